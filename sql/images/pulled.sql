-- An image pulled on node $2 for a custom environment, or used again by one there.
INSERT INTO pulled_images (reference, node) VALUES ($1, $2)
ON CONFLICT (node, reference) DO UPDATE SET last_used_at = now()
