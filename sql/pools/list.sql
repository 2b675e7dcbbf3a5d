-- Every pool (or the one with id $1), with its members counted: ready to take, and being made.
SELECT p.id, p.node, p.image, p.role, p.tier, p.size, p.created_at, p.updated_at,
       count(m.id) FILTER (WHERE m.ready) AS ready,
       count(m.id) FILTER (WHERE NOT m.ready) AS making
FROM pools p
LEFT JOIN pool_members m ON m.pool_id = p.id
WHERE $1::uuid IS NULL OR p.id = $1
GROUP BY p.id
ORDER BY p.node, p.image, p.role, p.tier
