INSERT INTO provision_jobs (id, container_id, max_attempts) VALUES ($1, $2, $3)
