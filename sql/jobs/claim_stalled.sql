-- Open jobs that nobody holds and nobody has touched for a while: never delivered, lost
-- with a flushed Redis, or left by a dead worker. Touching them here lets one sweeper
-- re-enqueue each.
UPDATE provision_jobs
SET updated_at = now()
WHERE id IN (
    SELECT id FROM provision_jobs
    WHERE status IN ('queued', 'running')
      AND run_after <= now()
      AND (lease_until IS NULL OR lease_until < now())
      AND updated_at < now() - make_interval(secs => $1)
    ORDER BY run_after
    LIMIT 100
    FOR UPDATE SKIP LOCKED
)
RETURNING id
