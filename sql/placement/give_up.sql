-- Ends the job of an environment that found no room in time: nobody ever leased it.
UPDATE provision_jobs
SET status = 'failed', last_error = $2, updated_at = now()
WHERE container_id = $1 AND status IN ('queued', 'running') AND lease_owner IS NULL
