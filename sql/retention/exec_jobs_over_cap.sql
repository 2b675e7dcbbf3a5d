-- A user's exec jobs beyond their newest $2, at most 100 at a time (one insert makes at
-- most one job too many).
DELETE FROM exec_jobs WHERE id IN (
    SELECT id FROM exec_jobs
    WHERE user_id = $1
    ORDER BY created_at DESC, id DESC
    OFFSET $2
    LIMIT 100
)
