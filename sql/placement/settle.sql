-- Records where a waiting environment was placed; its job is the one its node's workers run.
WITH placed AS (
    UPDATE containers SET node = $2, message = NULL, updated_at = now()
    WHERE id = $1
    RETURNING id
)
SELECT j.id FROM provision_jobs j JOIN placed ON placed.id = j.container_id
WHERE j.status IN ('queued', 'running')
