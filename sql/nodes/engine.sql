-- Where a node's engine answers, as the node registered it last, and whether the node is
-- down: no heartbeat for longer than $2 seconds.
SELECT engine, heartbeat_at < now() - make_interval(secs => $2) AS down
FROM nodes WHERE name = $1
