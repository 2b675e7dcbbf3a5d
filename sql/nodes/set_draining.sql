UPDATE nodes SET draining = $2 WHERE name = $1
