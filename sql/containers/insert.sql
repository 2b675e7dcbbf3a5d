INSERT INTO containers (id, user_id, name, image, image_ref, role, shell, env,
                        memory_mb, cpu_millicores, disk_mb, expires_at, labels,
                        node, node_target, message, stop_when_ready, workload)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)
RETURNING id, user_id, name, image, image_ref, role, shell, env, memory_mb, cpu_millicores, disk_mb, status, stage, progress, message, error_code, labels, docker_id, node, expires_at, created_at, updated_at
