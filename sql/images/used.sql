UPDATE pulled_images SET last_used_at = now() WHERE reference = $1 AND node = $2
