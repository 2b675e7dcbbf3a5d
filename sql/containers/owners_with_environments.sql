-- Of the users given, those with an environment in any state.
SELECT DISTINCT user_id FROM containers WHERE user_id = ANY($1)
