-- Deletes that could not remove their container (the engine was down) and wait for a retry.
SELECT id FROM containers
WHERE status = 'deleting' AND updated_at < now() - make_interval(secs => $1)
LIMIT 100
