-- Open jobs that nobody holds and nobody has touched for a while: never delivered, lost
-- with a flushed Redis, or left by a dead worker. Touching them here lets one sweeper
-- re-enqueue each (and the queue itself keeps a job that is still there from being queued
-- twice). A job whose owner has no worker to spare ($2, 0 for no limit) is left waiting:
-- queueing it would only make a worker put it back. Only the jobs of environments that live
-- on node $3: its workers are the ones that can run them.
UPDATE provision_jobs
SET updated_at = now()
WHERE id IN (
    SELECT j.id FROM provision_jobs j JOIN containers c ON c.id = j.container_id
    WHERE j.status IN ('queued', 'running')
      AND c.node = $3
      AND j.run_after <= now()
      AND (j.lease_until IS NULL OR j.lease_until < now())
      AND j.updated_at < now() - make_interval(secs => $1)
      AND ($2 = 0 OR (
          SELECT count(*) FROM provision_jobs b JOIN containers bc ON bc.id = b.container_id
          WHERE bc.user_id = c.user_id
            AND b.status = 'running' AND NOT b.watching AND b.lease_until >= now()
      ) < $2)
    ORDER BY j.run_after
    LIMIT 100
    FOR UPDATE OF j SKIP LOCKED
)
RETURNING id
