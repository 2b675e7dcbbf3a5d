-- Takes the lease of a job nobody holds, for a worker of node $4, the node its environment
-- lives on (checked here, in the same statement: it may have been placed again meanwhile).
-- Each taking counts as an attempt, so a job that kills its worker every time still ends.
-- A leased job occupies a worker until it is handed to a watcher (`watching`).
UPDATE provision_jobs
SET status = 'running', lease_owner = $2,
    lease_until = now() + make_interval(secs => $3),
    attempts = attempts + 1, watching = false, updated_at = now()
WHERE id = $1
  AND status IN ('queued', 'running')
  AND run_after <= now()
  AND (lease_until IS NULL OR lease_until < now())
  AND EXISTS (SELECT 1 FROM containers c WHERE c.id = provision_jobs.container_id AND c.node = $4)
RETURNING id, container_id, attempts, max_attempts,
          (SELECT user_id FROM containers WHERE containers.id = provision_jobs.container_id) AS user_id
