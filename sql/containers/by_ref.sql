-- An environment of one user's, by its id, its docker id (full or the 12-character short
-- form) or its name.
SELECT id, user_id, name, image, image_ref, role, shell, env, memory_mb, cpu_millicores, disk_mb, status, stage, progress, message, error_code, labels, docker_id, node, expires_at, created_at, updated_at
FROM containers
WHERE user_id = $1
  AND (id::text = lower($2)
       OR docker_id = lower($2)
       OR (length($2) = 12 AND left(docker_id, 12) = lower($2))
       OR lower(name) = lower($2))
ORDER BY (id::text = lower($2)) DESC
LIMIT 1
