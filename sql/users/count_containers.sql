SELECT count(*) AS used FROM containers WHERE user_id = $1
