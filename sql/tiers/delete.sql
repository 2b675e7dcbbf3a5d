DELETE FROM tiers WHERE name = $1
