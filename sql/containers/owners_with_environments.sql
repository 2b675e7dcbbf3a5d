-- Of the users given, those with an environment on node $2 (or not placed yet) that may still
-- have a container: one that failed has none, and keeping its network would let failed
-- creates hold addresses for as long as failed environments are kept. A user's network on
-- one node goes once they have nothing left there, whatever they have elsewhere.
SELECT DISTINCT user_id FROM containers
WHERE user_id = ANY($1) AND status <> 'error' AND (node = $2 OR node IS NULL)
