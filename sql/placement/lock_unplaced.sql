-- One waiting environment, held while it is placed; skipped when another process holds it.
SELECT node_target, memory_mb, cpu_millicores,
       (created_at < now() - make_interval(secs => $2)) AS waited_too_long
FROM containers
WHERE id = $1 AND node IS NULL AND node_target IS NOT NULL AND status = 'creating'
FOR UPDATE SKIP LOCKED
