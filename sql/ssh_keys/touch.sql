-- Written at most once a minute per key, so a busy client does not turn sign-ins into writes.
UPDATE ssh_keys SET last_used_at = now()
WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute')
