SELECT name, engine, labels, cpus, memory_mb, version, registered_at, heartbeat_at,
       CASE
           WHEN heartbeat_at < now() - make_interval(secs => $1) THEN 'down'
           WHEN draining THEN 'draining'
           ELSE 'active'
       END AS state
FROM nodes
ORDER BY name
