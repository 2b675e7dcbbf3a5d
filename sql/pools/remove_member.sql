-- False (no row) when a create took the member meanwhile: its container is then that
-- environment's, and must stay.
DELETE FROM pool_members WHERE id = $1 RETURNING id
