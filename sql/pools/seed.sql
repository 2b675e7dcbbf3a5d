-- The configured default pool, once per node: at its first registration only, so that a pool
-- an admin removed stays removed. Nothing when the tier does not exist.
WITH first AS (
    UPDATE nodes SET pools_seeded = true WHERE name = $2 AND NOT pools_seeded RETURNING name
)
INSERT INTO pools (id, node, image, role, tier, size)
SELECT $1, first.name, $3, $4, $5, $6 FROM first
WHERE $6 > 0 AND EXISTS (SELECT 1 FROM tiers WHERE name = $5)
ON CONFLICT DO NOTHING
