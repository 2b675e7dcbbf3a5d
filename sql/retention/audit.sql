-- Audit entries older than $1 seconds, or than $2 seconds when nobody had authenticated;
-- oldest first, at most $3. A NULL retention matches nothing: that kind is kept.
DELETE FROM audit_log WHERE id IN (
    (SELECT id FROM audit_log
     WHERE at < now() - make_interval(secs => $1)
     ORDER BY at LIMIT $3)
    UNION
    (SELECT id FROM audit_log
     WHERE actor_id IS NULL AND at < now() - make_interval(secs => $2)
     ORDER BY at LIMIT $3)
)
