-- Environments in `error` for longer than $1 seconds, at most $2: deleted through the normal
-- delete, so their container and network go too.
SELECT id FROM containers
WHERE status = 'error' AND updated_at < now() - make_interval(secs => $1)
ORDER BY updated_at
LIMIT $2
