-- What the user's snapshots hold against the quota: every one, taken or being taken, and
-- the sizes measured so far. One being taken for over an hour was left by a process that
-- died mid-way (purge_stale.sql removes it).
SELECT count(*) AS count, COALESCE(sum(size_bytes), 0)::bigint AS bytes
FROM snapshots
WHERE user_id = $1 AND id <> $2
