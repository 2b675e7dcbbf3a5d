-- Retention: what housekeeping prunes is found through these indexes, so each bounded batch
-- is a short index range scan rather than a sweep of the table.

-- An environment's exec jobs go with it (they hold up to 2 MiB of output each). Jobs whose
-- environment is already gone are removed first, or the key could not be added.
DELETE FROM exec_jobs j WHERE NOT EXISTS (SELECT 1 FROM containers c WHERE c.id = j.container_id);
ALTER TABLE exec_jobs ADD CONSTRAINT exec_jobs_container_id_fkey
    FOREIGN KEY (container_id) REFERENCES containers (id) ON DELETE CASCADE;
CREATE INDEX exec_jobs_container_idx ON exec_jobs (container_id);
-- A job is always made before it finishes: its creation bounds what the sweep looks at.
CREATE INDEX exec_jobs_created_idx ON exec_jobs (created_at);

CREATE INDEX audit_log_at_idx ON audit_log (at);
-- Entries nobody authenticated for are kept for less time than the rest.
CREATE INDEX audit_log_anonymous_at_idx ON audit_log (at) WHERE actor_id IS NULL;

CREATE INDEX sessions_expires_idx ON sessions (expires_at);
CREATE INDEX sessions_revoked_idx ON sessions (revoked_at) WHERE revoked_at IS NOT NULL;

CREATE INDEX users_guest_expiry_idx ON users (expires_at) WHERE is_guest;

-- Environments that ended in error, by when they did.
CREATE INDEX containers_error_idx ON containers (updated_at) WHERE status = 'error';
