-- A disabled owner's environments that are still being created stop where they are; the
-- provisioning job sees the status at its next step and ends.
UPDATE containers
SET status = 'stopped', message = $2, updated_at = now()
WHERE user_id = $1 AND status = 'creating'
RETURNING id
