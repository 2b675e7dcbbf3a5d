-- Environments expiring within $1 seconds that were not yet warned; marks them warned.
UPDATE containers SET expiry_warned_at = now()
WHERE expiry_warned_at IS NULL
  AND expires_at IS NOT NULL
  AND expires_at > now()
  AND expires_at <= now() + make_interval(secs => $1)
  AND status IN ('creating', 'running', 'paused', 'stopped')
RETURNING id, user_id, name, expires_at
