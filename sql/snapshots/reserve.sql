-- A snapshot being taken: its name and quota slot are held while its image is committed
-- and pushed; it is listed only once `ready`.
INSERT INTO snapshots (id, user_id, name, image_ref, container_id, container_name, node)
VALUES ($1, $2, $3, $4, $5, $6, $7)
