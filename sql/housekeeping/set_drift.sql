-- Records what the engine says, unless the environment changed meanwhile.
UPDATE containers SET status = $3, message = $4, updated_at = now()
WHERE id = $1 AND status = $2
