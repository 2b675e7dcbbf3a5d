-- Hands the job back to run again after a delay. $5 gives back the attempt its lease took:
-- a stage that failed only because the engine was down did not use it up.
UPDATE provision_jobs
SET status = 'queued', last_error = $3, lease_owner = NULL, lease_until = NULL,
    run_after = now() + make_interval(secs => $4), updated_at = now(),
    attempts = attempts - CASE WHEN $5 THEN 1 ELSE 0 END
WHERE id = $1 AND lease_owner = $2
