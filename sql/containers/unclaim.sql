-- The member it took was gone by the time it was to join: made the usual way instead.
UPDATE containers
SET stage = 'validating', progress = 5, docker_id = NULL, from_pool = false, updated_at = now()
WHERE id = $1 AND status = 'creating'
