-- Share links that ended (expired or revoked) over a day ago, a batch at a time.
DELETE FROM preview_shares
WHERE id IN (
    SELECT id FROM preview_shares
    WHERE expires_at < now() - interval '1 day'
       OR revoked_at < now() - interval '1 day'
    LIMIT $1
)
