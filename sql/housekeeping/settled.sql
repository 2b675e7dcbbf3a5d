-- Environments the engine should have a container for, in the state recorded here: those of
-- one node (and those from before nodes, which live on every process's own engine), since
-- each node's containers are only in its engine.
SELECT id, status FROM containers
WHERE status IN ('running', 'paused', 'stopped') AND docker_id IS NOT NULL
  AND updated_at < now() - make_interval(secs => $1)
  AND (node IS NULL OR node = $2)
