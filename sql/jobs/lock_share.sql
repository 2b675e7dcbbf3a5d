-- Held until the transaction ends, so that two processes taking one user's jobs count that
-- user's busy workers one after the other. The key derives from the user id; a rare
-- collision only makes two users' takings wait for each other.
SELECT pg_advisory_xact_lock(hashtextextended($1::text, 15))
