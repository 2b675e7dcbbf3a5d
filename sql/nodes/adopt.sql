-- Environments made before nodes existed live on the one engine there was: the node of the
-- one-machine `serve` that made them.
UPDATE containers SET node = $1 WHERE node IS NULL AND node_target IS NULL
