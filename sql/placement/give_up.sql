-- Ends the job of an environment that found no room in time: no worker holds it.
UPDATE provision_jobs
SET status = 'failed', last_error = $2, lease_owner = NULL, lease_until = NULL, updated_at = now()
WHERE container_id = $1 AND status IN ('queued', 'running')
  AND (lease_until IS NULL OR lease_until < now())
