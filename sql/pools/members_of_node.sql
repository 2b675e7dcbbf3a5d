SELECT id, pool_id, image_ref, role, memory_mb, cpu_millicores, disk_mb, ready, docker_id,
       created_at
FROM pool_members
WHERE node = $1
