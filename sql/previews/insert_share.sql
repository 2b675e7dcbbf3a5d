INSERT INTO preview_shares (id, container_id, port, expires_at)
VALUES ($1, $2, $3, $4)
RETURNING id, port, created_at, expires_at, revoked_at
