-- Newest first; $1 limits to one actor, $2 to one action; $3/$4 page.
SELECT id, at, actor_id, actor, action, target, ip, status, outcome, count(*) OVER () AS total
FROM audit_log
WHERE ($1::uuid IS NULL OR actor_id = $1)
  AND ($2::text IS NULL OR action = $2)
ORDER BY id DESC
LIMIT $3 OFFSET $4
