-- A login is an email or a username; both are unique without regard to case.
SELECT id, email, username, password_hash, role, tier, is_guest, expires_at, disabled_at, created_at
FROM users
WHERE lower(email) = lower($1) OR lower(username) = lower($1)
LIMIT 1
