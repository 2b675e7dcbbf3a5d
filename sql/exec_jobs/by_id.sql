SELECT id, user_id, container_id, request, status, results, created_at, finished_at
FROM exec_jobs
WHERE id = $1 AND user_id = $2
