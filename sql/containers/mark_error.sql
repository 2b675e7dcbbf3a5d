UPDATE containers SET status = 'error', message = $2, error_code = $3, updated_at = now()
WHERE id = $1 AND status = 'creating'
