-- Provisioning work. Postgres holds the truth (what is left to do, who holds the lease);
-- Redis only delivers wake-ups, so a flushed Redis loses nothing: a sweep re-enqueues from here.
CREATE TABLE provision_jobs (
    id            uuid PRIMARY KEY,
    container_id  uuid NOT NULL REFERENCES containers (id) ON DELETE CASCADE,
    status        text NOT NULL DEFAULT 'queued'
                  CHECK (status IN ('queued', 'running', 'done', 'failed')),
    attempts      integer NOT NULL DEFAULT 0,
    max_attempts  integer NOT NULL DEFAULT 3,
    last_error    text,
    -- A worker holds a job only while it keeps renewing its lease.
    lease_owner   text,
    lease_until   timestamptz,
    run_after     timestamptz NOT NULL DEFAULT now(),
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX provision_jobs_open_idx ON provision_jobs (run_after)
    WHERE status IN ('queued', 'running');
CREATE INDEX provision_jobs_container_idx ON provision_jobs (container_id);
