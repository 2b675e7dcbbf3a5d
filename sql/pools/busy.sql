-- Whether users' environments are being made on node $1, or one was handed out there in the
-- last $2 seconds (its owner's first commands follow at once): the pools wait, as users
-- come first. One that took a member only joins a network and is not being made.
SELECT EXISTS (
    SELECT 1 FROM containers
    WHERE node = $1 AND status = 'creating' AND stage <> 'validating' AND NOT from_pool
) OR EXISTS (
    SELECT 1 FROM containers
    WHERE node = $1 AND created_at > now() - make_interval(secs => $2)
)
