SELECT id, user_id, name, size_bytes, container_id, container_name, node, image_ref,
       digest, created_at
FROM snapshots
WHERE user_id = $1 AND ready
ORDER BY created_at DESC, name
