-- Its members' rows go with it; their containers are then orphans, which the node's
-- housekeeping removes.
DELETE FROM pools WHERE id = $1
