-- One waiting environment, held while it is placed; skipped when another process holds it.
-- It has waited since it was made, or since its node went down (nothing else touches a
-- waiting row).
SELECT node_target, memory_mb, cpu_millicores,
       (updated_at < now() - make_interval(secs => $2)) AS waited_too_long
FROM containers
WHERE id = $1 AND node IS NULL AND node_target IS NOT NULL AND status = 'creating'
FOR UPDATE SKIP LOCKED
