-- The user's effective limits: their tier's, with their own overrides on top.
SELECT t.name,
       COALESCE(o.max_containers, t.max_containers) AS max_containers,
       COALESCE(o.memory_mb_min, t.memory_mb_min) AS memory_mb_min,
       COALESCE(o.memory_mb_default, t.memory_mb_default) AS memory_mb_default,
       COALESCE(o.memory_mb_max, t.memory_mb_max) AS memory_mb_max,
       COALESCE(o.cpu_millicores_min, t.cpu_millicores_min) AS cpu_millicores_min,
       COALESCE(o.cpu_millicores_default, t.cpu_millicores_default) AS cpu_millicores_default,
       COALESCE(o.cpu_millicores_max, t.cpu_millicores_max) AS cpu_millicores_max,
       COALESCE(o.disk_mb_min, t.disk_mb_min) AS disk_mb_min,
       COALESCE(o.disk_mb_default, t.disk_mb_default) AS disk_mb_default,
       COALESCE(o.disk_mb_max, t.disk_mb_max) AS disk_mb_max,
       COALESCE(o.session_limit_seconds, t.session_limit_seconds) AS session_limit_seconds,
       COALESCE(o.idle_timeout_seconds, t.idle_timeout_seconds) AS idle_timeout_seconds,
       COALESCE(o.allowed_images, t.allowed_images) AS allowed_images,
       t.egress,
       t.node_targets,
       t.idle_action,
       t.snapshots_max,
       t.snapshot_storage_mb_max
FROM users u
JOIN tiers t ON t.name = u.tier
LEFT JOIN user_limits o ON o.user_id = u.id
WHERE u.id = $1
