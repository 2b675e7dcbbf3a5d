INSERT INTO ssh_keys (id, user_id, name, algorithm, fingerprint, public_key)
VALUES ($1, $2, $3, $4, $5, $6)
RETURNING id, name, algorithm, fingerprint, public_key, created_at, last_used_at
