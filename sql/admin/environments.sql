-- Every environment, with its owner, filtered by owner, status, tier and image; newest first.
SELECT c.id, c.user_id, u.username, u.tier, c.name, c.image, c.role, c.status, c.stage,
       c.progress, c.message, c.memory_mb, c.cpu_millicores, c.disk_mb, c.docker_id,
       c.expires_at, c.last_activity_at, c.created_at,
       count(*) OVER () AS total
FROM containers c
JOIN users u ON u.id = c.user_id
WHERE ($1::uuid IS NULL OR c.user_id = $1)
  AND ($2::text IS NULL OR c.status = $2)
  AND ($3::text IS NULL OR u.tier = $3)
  AND ($4::text IS NULL OR c.image = $4)
ORDER BY c.created_at DESC
LIMIT $5 OFFSET $6
