-- The image is in the registry: the snapshot can be listed and started.
UPDATE snapshots SET ready = true, digest = $2 WHERE id = $1
RETURNING id, user_id, name, size_bytes, container_id, container_name, node, image_ref,
          digest, created_at
