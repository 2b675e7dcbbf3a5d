SELECT c.user_id
FROM provision_jobs j JOIN containers c ON c.id = j.container_id
WHERE j.id = $1
