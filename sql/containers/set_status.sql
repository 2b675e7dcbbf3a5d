UPDATE containers SET status = $3, updated_at = now()
WHERE id = $1 AND status = ANY($2)
