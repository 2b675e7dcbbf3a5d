-- Held while a user's network is looked up and made: provisions of one user's environments
-- that run at once make it one after another, so it is made once. Released at commit.
SELECT pg_advisory_xact_lock(hashtextextended('sandboxd.network:' || $1::text, 0))
