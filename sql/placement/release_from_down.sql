-- Environments waiting on a node that went down before anything of them was made there
-- (still validating or pulling, no worker holding their job): they are placed again, on a
-- node that is up. Their job's lease is cleared with them, so a worker of the down node
-- that comes back mid-job finds its lease gone and stops.
WITH released AS (
    UPDATE containers c
    SET node = NULL, message = 'Node ' || c.node || ' is down: looking for another',
        updated_at = now()
    FROM nodes n
    WHERE c.node = n.name
      AND n.heartbeat_at < now() - make_interval(secs => $1)
      AND c.status = 'creating'
      AND c.stage IN ('validating', 'pulling')
      AND c.docker_id IS NULL
      AND c.node_target IS NOT NULL
      AND NOT EXISTS (
          SELECT 1 FROM provision_jobs j WHERE j.container_id = c.id AND j.lease_until >= now()
      )
    RETURNING c.id
), unleased AS (
    UPDATE provision_jobs j
    SET status = 'queued', lease_owner = NULL, lease_until = NULL, updated_at = now()
    FROM released
    WHERE j.container_id = released.id AND j.status IN ('queued', 'running')
)
SELECT id FROM released
