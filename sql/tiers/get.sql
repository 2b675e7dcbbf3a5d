SELECT name, max_containers,
       memory_mb_min, memory_mb_default, memory_mb_max,
       cpu_millicores_min, cpu_millicores_default, cpu_millicores_max,
       disk_mb_min, disk_mb_default, disk_mb_max,
       session_limit_seconds, idle_timeout_seconds, allowed_images, egress, node_targets,
       idle_action,
       snapshots_max, snapshot_storage_mb_max
FROM tiers
WHERE name = $1
