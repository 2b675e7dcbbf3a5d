-- Sets aside for the network $4 the first free /$2 of the pool $1, looking from the address
-- $3 places into the pool (each deployment starts elsewhere, so deployments sharing an engine
-- rarely reach for the same addresses) and wrapping round. First fit keeps the free space in
-- large blocks for the tiers that need them. Nothing when the pool has no such block free.
WITH shape AS (
    SELECT 1::bigint << (32 - $2) AS size,
           (1::bigint << (32 - masklen($1::cidr))) >> (32 - $2) AS blocks
), candidate AS (
    SELECT set_masklen(network($1::cidr) + ((($3 / size) + n) % blocks) * size, $2)::cidr
           AS subnet
    FROM shape, generate_series(0, blocks - 1) AS n
)
INSERT INTO network_subnets (subnet, network)
SELECT subnet, $4 FROM candidate c
WHERE NOT EXISTS (SELECT 1 FROM network_subnets s WHERE s.subnet && c.subnet)
LIMIT 1
ON CONFLICT DO NOTHING
RETURNING subnet::text
