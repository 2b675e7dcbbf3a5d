DELETE FROM snapshots WHERE id = $1
