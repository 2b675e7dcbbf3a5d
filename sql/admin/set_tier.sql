UPDATE users SET tier = $2 WHERE id = $1
