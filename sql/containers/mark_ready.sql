-- Becoming ready counts as activity: the idle clock starts when the owner can first use it,
-- however long provisioning took.
UPDATE containers
SET status = 'running', stage = 'ready', progress = 100, message = $2, updated_at = now(),
    last_activity_at = now()
WHERE id = $1 AND status = 'creating'
RETURNING stop_when_ready
