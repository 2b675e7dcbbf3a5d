SELECT id, name, prefix, scopes, created_at, last_used_at, expires_at
FROM api_tokens
WHERE user_id = $1 AND revoked_at IS NULL
ORDER BY created_at DESC
