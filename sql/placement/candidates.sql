-- The nodes that may take a new environment, with what their environments already hold:
-- not draining, heartbeat fresher than $1 seconds, and, when given, the one named $2 or
-- those labelled $3 = $4. Environments reserve their CPU and memory while they are being
-- made or run; a stopped one holds nothing (it is not placed again when it starts).
SELECT n.name, n.cpus, n.memory_mb, n.cpu_overcommit, n.memory_overcommit,
       COALESCE(sum(c.cpu_millicores), 0)::bigint AS cpu_reserved,
       COALESCE(sum(c.memory_mb), 0)::bigint AS memory_reserved
FROM nodes n
LEFT JOIN containers c ON c.node = n.name AND c.status IN ('creating', 'running')
WHERE NOT n.draining
  AND n.heartbeat_at >= now() - make_interval(secs => $1)
  AND ($2::text IS NULL OR n.name = $2)
  AND ($3::text IS NULL OR n.labels ->> $3 = $4)
GROUP BY n.name
ORDER BY n.name
