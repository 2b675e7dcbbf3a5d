-- The user behind a live session; a revoked session, a disabled or expired user finds nothing.
SELECT u.id, u.email, u.username, u.password_hash, u.role, u.tier, u.is_guest,
       u.expires_at, u.disabled_at, u.created_at
FROM sessions s
JOIN users u ON u.id = s.user_id
WHERE s.id = $1
  AND s.user_id = $2
  AND s.revoked_at IS NULL
  AND s.expires_at > now()
  AND u.disabled_at IS NULL
  AND (u.expires_at IS NULL OR u.expires_at > now())
