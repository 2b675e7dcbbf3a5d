INSERT INTO users (id, email, username, password_hash, role, tier, is_guest, expires_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
RETURNING id, email, username, password_hash, role, tier, is_guest, expires_at, disabled_at, created_at
