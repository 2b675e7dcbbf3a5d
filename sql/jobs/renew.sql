UPDATE provision_jobs
SET lease_until = now() + make_interval(secs => $3), updated_at = now()
WHERE id = $1 AND lease_owner = $2 AND status = 'running'
