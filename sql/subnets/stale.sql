-- Set aside for networks node $3's engine does not hold (made by hand away, or never made
-- because the worker died between the two), and marks of others' addresses old enough to
-- look at again; not the ones just taken, whose networks may be being made right now.
DELETE FROM network_subnets
WHERE created_at < now() - make_interval(secs => $2)
  AND (network IS NULL
       OR (starts_with(network, $3 || '/') AND NOT (network = ANY($1))))
