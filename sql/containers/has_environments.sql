-- Whether the user has an environment in any state, being made or deleted included.
SELECT EXISTS (SELECT 1 FROM containers WHERE user_id = $1)
