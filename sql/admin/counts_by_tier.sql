SELECT u.tier, count(*) AS environments
FROM containers c JOIN users u ON u.id = c.user_id
WHERE c.status <> 'deleting'
GROUP BY u.tier ORDER BY u.tier
