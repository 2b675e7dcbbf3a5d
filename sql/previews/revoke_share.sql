-- Revoking twice is no error: the share stays revoked from the first time.
UPDATE preview_shares SET revoked_at = COALESCE(revoked_at, now())
WHERE id = $1 AND container_id = $2
