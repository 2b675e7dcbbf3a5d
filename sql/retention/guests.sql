-- Guest accounts expired longer ago than $1 seconds that have no environment left (expiry
-- deletes those first), at most $2. Their sessions, tokens, limits and jobs go by the
-- cascade; the listing counter, which has no foreign key, goes here.
WITH gone AS (
    DELETE FROM users WHERE id IN (
        SELECT u.id FROM users u
        WHERE u.is_guest AND u.expires_at < now() - make_interval(secs => $1)
          AND NOT EXISTS (SELECT 1 FROM containers c WHERE c.user_id = u.id)
        ORDER BY u.expires_at
        LIMIT $2
    )
    RETURNING id
), counters AS (
    DELETE FROM container_listing_versions v USING gone WHERE v.user_id = gone.id
)
SELECT count(*) FROM gone
