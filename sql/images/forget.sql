DELETE FROM pulled_images WHERE reference = $1 AND node = $2
