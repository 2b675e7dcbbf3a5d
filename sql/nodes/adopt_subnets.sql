-- The address pool's records from before nodes name a network of the one engine there was,
-- which is node $1's: they are recorded as its own, so its housekeeping keeps them.
UPDATE network_subnets SET network = $1 || '/' || network
WHERE network IS NOT NULL AND strpos(network, '/') = 0
