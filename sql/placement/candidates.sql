-- The nodes that may take a new environment, with what their environments already hold:
-- not draining (unless $5: an environment starting again where it lives), heartbeat
-- fresher than $1 seconds, and, when given, the one named $2 or
-- those labelled $3 = $4. Environments reserve their CPU and memory while they are being
-- made or run; a paused one keeps its memory but frees its CPU (its processes are frozen,
-- and the CPU quota is a share, not a reservation, so a resume needs no room check); a
-- stopped one holds nothing (it is not placed again when it starts). Each
-- node's sum is read from the containers_reserving index, node by node, rather than
-- from a pass over every environment.
SELECT n.name, n.cpus, n.memory_mb, n.cpu_overcommit, n.memory_overcommit,
       r.cpu_reserved + p.cpu_reserved AS cpu_reserved,
       r.memory_reserved + p.memory_reserved AS memory_reserved
FROM nodes n
CROSS JOIN LATERAL (
    SELECT COALESCE(sum(c.cpu_millicores) FILTER (WHERE c.status <> 'paused'), 0)::bigint
               AS cpu_reserved,
           COALESCE(sum(c.memory_mb), 0)::bigint AS memory_reserved
    FROM containers c
    WHERE c.node = n.name AND c.status IN ('creating', 'running', 'paused')
) r
-- Warm pools' members run, and hold what the environments that take them will.
CROSS JOIN LATERAL (
    SELECT COALESCE(sum(m.cpu_millicores), 0)::bigint AS cpu_reserved,
           COALESCE(sum(m.memory_mb), 0)::bigint AS memory_reserved
    FROM pool_members m
    WHERE m.node = n.name
) p
WHERE (NOT n.draining OR $5)
  AND n.heartbeat_at >= now() - make_interval(secs => $1)
  AND ($2::text IS NULL OR n.name = $2)
  AND ($3::text IS NULL OR n.labels ->> $3 = $4)
ORDER BY n.name
