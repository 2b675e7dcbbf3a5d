-- Shares still in force first, then the ended ones; ended ones a day old are not shown.
SELECT id, port, created_at, expires_at, revoked_at
FROM preview_shares
WHERE container_id = $1 AND expires_at > now() - interval '1 day'
ORDER BY created_at DESC
LIMIT 200
