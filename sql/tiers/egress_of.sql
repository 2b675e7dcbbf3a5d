-- The egress policy of each user's tier.
SELECT u.id, t.egress
FROM users u
JOIN tiers t ON t.name = u.tier
WHERE u.id = ANY($1)
