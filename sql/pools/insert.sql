INSERT INTO pools (id, node, image, role, tier, size)
VALUES ($1, $2, $3, $4, $5, $6)
