-- The user's oldest job on node $2 that is due and nobody holds: the one to run in a freed
-- worker of that node.
SELECT j.id
FROM provision_jobs j JOIN containers c ON c.id = j.container_id
WHERE c.user_id = $1
  AND c.node = $2
  AND j.status IN ('queued', 'running')
  AND j.run_after <= now()
  AND (j.lease_until IS NULL OR j.lease_until < now())
ORDER BY j.created_at
LIMIT 1
