UPDATE provision_jobs
SET status = $3, last_error = $4, lease_owner = NULL, lease_until = NULL, updated_at = now()
WHERE id = $1 AND lease_owner = $2
