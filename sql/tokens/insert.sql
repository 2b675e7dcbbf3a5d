INSERT INTO api_tokens (id, user_id, name, prefix, token_hash, scopes, expires_at)
VALUES ($1, $2, $3, $4, $5, $6, $7)
RETURNING id, name, prefix, scopes, created_at, last_used_at, expires_at
