INSERT INTO exec_jobs (id, user_id, container_id, request)
VALUES ($1, $2, $3, $4)
