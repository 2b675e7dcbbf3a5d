-- Every environment, with its owner, filtered by owner, status, tier and image; newest first.
SELECT c.*, u.username, u.tier, count(*) OVER () AS total
FROM containers c
JOIN users u ON u.id = c.user_id
WHERE ($1::uuid IS NULL OR c.user_id = $1)
  AND ($2::text IS NULL OR c.status = $2)
  AND ($3::text IS NULL OR u.tier = $3)
  AND ($4::text IS NULL OR c.image = $4)
ORDER BY c.created_at DESC
LIMIT $5 OFFSET $6
