-- Running environments with no activity for longer than their owner's idle timeout, and
-- what their tier does then (`stop` or `pause`). Paused ones are not taken again: idle
-- already, they hold no CPU.
SELECT c.id, COALESCE(o.idle_timeout_seconds, t.idle_timeout_seconds) AS idle_seconds,
       t.idle_action
FROM containers c
JOIN users u ON u.id = c.user_id
JOIN tiers t ON t.name = u.tier
LEFT JOIN user_limits o ON o.user_id = u.id
WHERE c.status = 'running'
  AND COALESCE(o.idle_timeout_seconds, t.idle_timeout_seconds) IS NOT NULL
  AND c.last_activity_at < now() - make_interval(secs => COALESCE(o.idle_timeout_seconds, t.idle_timeout_seconds))
ORDER BY c.last_activity_at
LIMIT 100
