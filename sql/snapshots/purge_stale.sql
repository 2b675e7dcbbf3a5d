-- Snapshots of the user's still being taken after an hour: the process taking them died.
DELETE FROM snapshots
WHERE user_id = $1 AND NOT ready AND created_at < now() - interval '1 hour'
