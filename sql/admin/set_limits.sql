INSERT INTO user_limits (user_id, max_containers,
                         memory_mb_min, memory_mb_default, memory_mb_max,
                         cpu_millicores_min, cpu_millicores_default, cpu_millicores_max,
                         disk_mb_min, disk_mb_default, disk_mb_max,
                         session_limit_seconds, idle_timeout_seconds, allowed_images)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
ON CONFLICT (user_id) DO UPDATE SET
    max_containers = EXCLUDED.max_containers,
    memory_mb_min = EXCLUDED.memory_mb_min,
    memory_mb_default = EXCLUDED.memory_mb_default,
    memory_mb_max = EXCLUDED.memory_mb_max,
    cpu_millicores_min = EXCLUDED.cpu_millicores_min,
    cpu_millicores_default = EXCLUDED.cpu_millicores_default,
    cpu_millicores_max = EXCLUDED.cpu_millicores_max,
    disk_mb_min = EXCLUDED.disk_mb_min,
    disk_mb_default = EXCLUDED.disk_mb_default,
    disk_mb_max = EXCLUDED.disk_mb_max,
    session_limit_seconds = EXCLUDED.session_limit_seconds,
    idle_timeout_seconds = EXCLUDED.idle_timeout_seconds,
    allowed_images = EXCLUDED.allowed_images,
    updated_at = now()
