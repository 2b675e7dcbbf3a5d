SELECT id, name, algorithm, fingerprint, public_key, created_at, last_used_at
FROM ssh_keys
WHERE user_id = $1
ORDER BY created_at DESC
