-- Environments waiting for room on a node, oldest first.
SELECT id FROM containers
WHERE node IS NULL AND node_target IS NOT NULL AND status = 'creating'
ORDER BY created_at
LIMIT 100
