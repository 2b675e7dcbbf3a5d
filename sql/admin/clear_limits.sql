DELETE FROM user_limits WHERE user_id = $1
