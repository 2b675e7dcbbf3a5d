-- The key and its user, if the user may still act.
SELECT k.id AS key_id,
       u.id, u.email, u.username, u.password_hash, u.role, u.tier, u.is_guest,
       u.expires_at, u.disabled_at, u.created_at
FROM ssh_keys k
JOIN users u ON u.id = k.user_id
WHERE k.fingerprint = $1
  AND u.disabled_at IS NULL
  AND (u.expires_at IS NULL OR u.expires_at > now())
