SELECT id, email, username, password_hash, role, tier, is_guest, expires_at, disabled_at, created_at
FROM users
WHERE id = $1
