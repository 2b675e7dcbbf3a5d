UPDATE containers SET status = 'error', message = $2, updated_at = now()
WHERE id = $1 AND status = 'creating'
