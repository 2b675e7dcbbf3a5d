-- Whether users' environments are being made on node $1: the pools wait, as users come first.
-- One that took a member only joins a network and does not count.
SELECT EXISTS (
    SELECT 1 FROM containers
    WHERE node = $1 AND status = 'creating' AND stage <> 'validating' AND NOT from_pool
)
