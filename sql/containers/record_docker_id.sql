UPDATE containers SET docker_id = $2, updated_at = now()
WHERE id = $1 AND status = 'creating'
