-- Users matching an optional search on email or username, and an optional tier, newest first.
SELECT u.*,
       (SELECT count(*) FROM containers c WHERE c.user_id = u.id AND c.status <> 'deleting')
           AS containers_used,
       count(*) OVER () AS total
FROM users u
WHERE ($1::text IS NULL OR u.email ILIKE '%' || $1 || '%' OR u.username ILIKE '%' || $1 || '%')
  AND ($2::text IS NULL OR u.tier = $2)
ORDER BY u.created_at DESC
LIMIT $3 OFFSET $4
