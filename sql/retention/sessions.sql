-- Sessions expired or revoked longer ago than $1 seconds, at most $2. Sessions hold the
-- address they were opened from, so they go once they can no longer be used.
DELETE FROM sessions WHERE id IN (
    (SELECT id FROM sessions WHERE expires_at < now() - make_interval(secs => $1) LIMIT $2)
    UNION
    (SELECT id FROM sessions WHERE revoked_at < now() - make_interval(secs => $1) LIMIT $2)
    LIMIT $2
)
