DELETE FROM pulled_images WHERE reference = $1
