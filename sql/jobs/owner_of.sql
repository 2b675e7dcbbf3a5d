-- The owner of a job whose environment lives on node $2: a worker never runs another
-- node's job (the container must be made on that node's engine).
SELECT c.user_id
FROM provision_jobs j JOIN containers c ON c.id = j.container_id
WHERE j.id = $1 AND c.node = $2
