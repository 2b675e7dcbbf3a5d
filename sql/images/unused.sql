-- Images pulled on node $3 that no environment was made from there for $1 seconds, oldest
-- first. One an environment is being created from is not unused, whenever it was pulled:
-- between its pull and its container the engine sees nothing use it.
SELECT p.reference FROM pulled_images p
WHERE p.node = $3
  AND p.last_used_at < now() - make_interval(secs => $1)
  AND NOT EXISTS (
    SELECT 1 FROM containers c
    WHERE c.image_ref = p.reference AND c.status = 'creating' AND c.node = p.node
  )
ORDER BY p.last_used_at
LIMIT $2
