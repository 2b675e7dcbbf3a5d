-- Takes the oldest ready member of the asked shape, on a node the create may go to (active,
-- not draining, heartbeat fresher than $7 seconds; named $8, or labelled $9 = $10, when
-- given). SKIP LOCKED: creates racing for members each take a different one, or none.
DELETE FROM pool_members
WHERE id = (
    SELECT m.id
    FROM pool_members m
    JOIN nodes n ON n.name = m.node
    WHERE m.ready AND m.image_ref = $1 AND m.role = $2
      AND m.memory_mb = $3 AND m.cpu_millicores = $4 AND m.disk_mb = $5
      AND m.image = $6
      AND NOT n.draining
      AND n.heartbeat_at >= now() - make_interval(secs => $7)
      AND ($8::text IS NULL OR n.name = $8)
      AND ($9::text IS NULL OR n.labels ->> $9 = $10)
    ORDER BY m.ready_at
    LIMIT 1
    FOR UPDATE OF m SKIP LOCKED
)
RETURNING id, node, docker_id
