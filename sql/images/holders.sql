-- The nodes that keep a copy of the image.
SELECT node FROM pulled_images WHERE reference = $1 AND node IS NOT NULL
