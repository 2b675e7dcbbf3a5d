-- Deletes that could not remove their container (the engine was down) and wait for a retry
-- by a worker beside the engine that holds it: one node's (and those from before nodes).
SELECT id FROM containers
WHERE status = 'deleting' AND updated_at < now() - make_interval(secs => $1)
  AND (node IS NULL OR node = $2)
LIMIT 100
