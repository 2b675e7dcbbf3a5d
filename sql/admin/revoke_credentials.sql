-- Every live session and API token of the user, revoked at once.
WITH sessions AS (
    UPDATE sessions SET revoked_at = now() WHERE user_id = $1 AND revoked_at IS NULL RETURNING 1
), tokens AS (
    UPDATE api_tokens SET revoked_at = now() WHERE user_id = $1 AND revoked_at IS NULL RETURNING 1
)
SELECT (SELECT count(*) FROM sessions) + (SELECT count(*) FROM tokens)
