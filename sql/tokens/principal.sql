-- The token and its user, if the token is live and the user may still act.
SELECT t.id AS token_id, t.scopes, t.last_used_at,
       u.id, u.email, u.username, u.password_hash, u.role, u.tier, u.is_guest,
       u.expires_at, u.disabled_at, u.created_at
FROM api_tokens t
JOIN users u ON u.id = t.user_id
WHERE t.token_hash = $1
  AND t.revoked_at IS NULL
  AND (t.expires_at IS NULL OR t.expires_at > now())
  AND u.disabled_at IS NULL
  AND (u.expires_at IS NULL OR u.expires_at > now())
