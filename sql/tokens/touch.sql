-- Written at most once a minute per token, so busy scripts do not turn reads into writes.
UPDATE api_tokens SET last_used_at = now()
WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute')
