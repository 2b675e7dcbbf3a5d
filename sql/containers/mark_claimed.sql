-- A row inserted for a pool member it took: its container exists and runs, configured; only
-- joining the owner's network is left.
UPDATE containers
SET docker_id = $2, stage = 'configuring', progress = 80, message = $3, from_pool = true,
    updated_at = now()
WHERE id = $1
RETURNING id, user_id, name, image, image_ref, role, shell, env, memory_mb, cpu_millicores, disk_mb, status, stage, progress, message, error_code, labels, docker_id, node, expires_at, created_at, updated_at
