INSERT INTO sessions (id, user_id, ip, expires_at) VALUES ($1, $2, $3, $4)
