UPDATE containers SET status = 'deleting', updated_at = now()
WHERE id = $1
RETURNING id, user_id, name, image, image_ref, role, shell, env, memory_mb, cpu_millicores, disk_mb, status, stage, progress, message, error_code, labels, docker_id, node, expires_at, created_at, updated_at
