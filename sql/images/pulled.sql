-- An image pulled for a custom environment, or used again by one.
INSERT INTO pulled_images (reference) VALUES ($1)
ON CONFLICT (reference) DO UPDATE SET last_used_at = now()
