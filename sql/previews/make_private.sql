DELETE FROM preview_ports WHERE container_id = $1 AND port = $2
