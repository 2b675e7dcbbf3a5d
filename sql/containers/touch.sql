UPDATE containers SET last_activity_at = now() WHERE id = $1
