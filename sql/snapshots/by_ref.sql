-- One of the user's snapshots by id or name.
SELECT id, user_id, name, size_bytes, container_id, container_name, node, image_ref,
       digest, created_at
FROM snapshots
WHERE user_id = $1 AND ready AND (id::text = $2 OR name = $2)
