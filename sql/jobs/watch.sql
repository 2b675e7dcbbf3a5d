-- The job now only waits for its environment's report: it keeps its lease but frees its
-- worker, and with it a place in its owner's share.
UPDATE provision_jobs
SET watching = true, updated_at = now()
WHERE id = $1 AND lease_owner = $2
