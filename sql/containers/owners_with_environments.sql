-- Of the users given, those with an environment that may still have a container: one that
-- failed has none, and keeping its network would let failed creates hold addresses for as
-- long as failed environments are kept.
SELECT DISTINCT user_id FROM containers WHERE user_id = ANY($1) AND status <> 'error'
