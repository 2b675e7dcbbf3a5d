-- Environments past their expiry that still need something done: guests' are deleted in any
-- state, others stopped when running or paused.
SELECT c.id, u.is_guest
FROM containers c JOIN users u ON u.id = c.user_id
WHERE c.expires_at IS NOT NULL AND c.expires_at <= now()
  AND (c.status IN ('running', 'paused') OR (u.is_guest AND c.status <> 'deleting'))
ORDER BY c.expires_at
LIMIT 100
