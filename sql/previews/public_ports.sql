SELECT port FROM preview_ports WHERE container_id = $1 ORDER BY port
