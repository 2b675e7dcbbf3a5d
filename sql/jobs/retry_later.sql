UPDATE provision_jobs
SET status = 'queued', last_error = $3, lease_owner = NULL, lease_until = NULL,
    run_after = now() + make_interval(secs => $4), updated_at = now()
WHERE id = $1 AND lease_owner = $2
