DELETE FROM ssh_keys WHERE id = $1 AND user_id = $2
