-- Nodes ($1: only this one, or all when NULL) with what their environments reserve, as
-- placement counts it (sql/placement/candidates.sql), and how many they hold. A node is
-- `down` once its heartbeat is older than $2 seconds, whether draining or not.
SELECT n.name, n.engine, n.labels, n.labels_by_admin, n.cpus, n.memory_mb, n.disk_mb, n.version,
       n.draining, n.cpu_overcommit, n.memory_overcommit,
       floor(n.cpus * 1000 * n.cpu_overcommit::float8)::bigint AS cpu_capacity_millicores,
       floor(n.memory_mb * n.memory_overcommit::float8)::bigint AS memory_capacity_mb,
       COALESCE(sum(c.cpu_millicores) FILTER (WHERE c.status IN ('creating', 'running')), 0)::bigint
           AS cpu_reserved_millicores,
       COALESCE(sum(c.memory_mb) FILTER (WHERE c.status IN ('creating', 'running', 'paused')), 0)::bigint
           AS memory_reserved_mb,
       count(c.id) AS environments,
       n.registered_at, n.heartbeat_at,
       CASE
           WHEN n.heartbeat_at < now() - make_interval(secs => $2) THEN 'down'
           WHEN n.draining THEN 'draining'
           ELSE 'active'
       END AS state
FROM nodes n
LEFT JOIN containers c ON c.node = n.name AND c.status NOT IN ('deleting', 'error')
WHERE $1::text IS NULL OR n.name = $1
GROUP BY n.name
ORDER BY n.name
