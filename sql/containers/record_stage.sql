-- Only an environment still being created moves on; a deleted one stops its job here.
UPDATE containers
SET stage = $2, progress = $3, message = $4, updated_at = now()
WHERE id = $1 AND status = 'creating'
