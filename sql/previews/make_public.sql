INSERT INTO preview_ports (container_id, port) VALUES ($1, $2)
ON CONFLICT (container_id, port) DO NOTHING
