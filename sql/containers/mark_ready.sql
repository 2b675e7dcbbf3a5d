UPDATE containers
SET status = 'running', stage = 'ready', progress = 100, message = $2, updated_at = now()
WHERE id = $1 AND status = 'creating'
