UPDATE nodes SET heartbeat_at = now() WHERE name = $1
