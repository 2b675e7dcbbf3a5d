-- Environments the engine should have a container for, in the state recorded here.
SELECT id, status FROM containers
WHERE status IN ('running', 'stopped') AND docker_id IS NOT NULL
  AND updated_at < now() - make_interval(secs => $1)
