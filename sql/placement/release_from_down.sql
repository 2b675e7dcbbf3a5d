-- Environments waiting on a node that went down before anything of them was made there
-- (still validating or pulling, no worker holding their job): they are placed again, on a
-- node that is up.
UPDATE containers c
SET node = NULL, message = 'Node ' || c.node || ' is down: looking for another', updated_at = now()
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
