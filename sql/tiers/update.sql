UPDATE tiers
SET max_containers = $2,
    memory_mb_min = $3, memory_mb_default = $4, memory_mb_max = $5,
    cpu_millicores_min = $6, cpu_millicores_default = $7, cpu_millicores_max = $8,
    disk_mb_min = $9, disk_mb_default = $10, disk_mb_max = $11,
    session_limit_seconds = $12, idle_timeout_seconds = $13, allowed_images = $14, egress = $15,
    node_targets = $16, idle_action = $17,
    snapshots_max = $18, snapshot_storage_mb_max = $19,
    updated_at = now()
WHERE name = $1
RETURNING name, max_containers,
          memory_mb_min, memory_mb_default, memory_mb_max,
          cpu_millicores_min, cpu_millicores_default, cpu_millicores_max,
          disk_mb_min, disk_mb_default, disk_mb_max,
          session_limit_seconds, idle_timeout_seconds, allowed_images, egress, node_targets,
          idle_action,
          snapshots_max, snapshot_storage_mb_max
