-- The nodes whose heartbeat is older than $1 seconds.
SELECT name FROM nodes WHERE heartbeat_at < now() - make_interval(secs => $1)
