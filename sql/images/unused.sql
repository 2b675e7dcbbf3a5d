-- Pulled images no environment was made from for $1 seconds, oldest first.
SELECT reference FROM pulled_images
WHERE last_used_at < now() - make_interval(secs => $1)
ORDER BY last_used_at
LIMIT $2
