SELECT COALESCE((SELECT version FROM container_listing_versions WHERE user_id = $1), 0)
