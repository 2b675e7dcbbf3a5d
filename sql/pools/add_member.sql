INSERT INTO pool_members (id, pool_id, node, image, image_ref, role, memory_mb, cpu_millicores,
                          disk_mb)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
