-- A job that could run but whose owner has no worker to spare: it waits, unqueued, until one
-- of the owner's jobs frees a worker (which queues it) or, failing that, the sweep. Touching
-- it keeps the sweep from queueing it again at once.
UPDATE provision_jobs
SET updated_at = now()
WHERE id = $1
  AND status IN ('queued', 'running')
  AND run_after <= now()
  AND (lease_until IS NULL OR lease_until < now())
RETURNING id
