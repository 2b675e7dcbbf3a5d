UPDATE pools SET size = $2, updated_at = now() WHERE id = $1
