-- Whether the pool $1 has a /$2 free: what tells a full pool from a race lost to another
-- worker's take of the same subnet.
WITH shape AS (
    SELECT 1::bigint << (32 - $2) AS size,
           (1::bigint << (32 - masklen($1::cidr))) >> (32 - $2) AS blocks
)
SELECT EXISTS (
    SELECT 1 FROM shape, generate_series(0, blocks - 1) AS n
    WHERE NOT EXISTS (
        SELECT 1 FROM network_subnets s
        WHERE s.subnet && set_masklen(network($1::cidr) + n * size, $2)::cidr
    )
)
