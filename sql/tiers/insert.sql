INSERT INTO tiers (name, max_containers,
                   memory_mb_min, memory_mb_default, memory_mb_max,
                   cpu_millicores_min, cpu_millicores_default, cpu_millicores_max,
                   disk_mb_min, disk_mb_default, disk_mb_max,
                   session_limit_seconds, idle_timeout_seconds, allowed_images, egress, node_targets,
                   idle_action, snapshots_max, snapshot_storage_mb_max)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)
RETURNING name, max_containers,
          memory_mb_min, memory_mb_default, memory_mb_max,
          cpu_millicores_min, cpu_millicores_default, cpu_millicores_max,
          disk_mb_min, disk_mb_default, disk_mb_max,
          session_limit_seconds, idle_timeout_seconds, allowed_images, egress, node_targets,
          idle_action,
          snapshots_max, snapshot_storage_mb_max
