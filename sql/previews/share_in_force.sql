SELECT EXISTS (
    SELECT 1 FROM preview_shares
    WHERE id = $1 AND revoked_at IS NULL AND expires_at > now()
)
