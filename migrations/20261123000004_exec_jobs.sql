-- Commands run in environments through the API (OSAPI exec), kept so their results can be
-- read back by job id. A job outlives its environment, so the container is not a foreign key.
CREATE TABLE exec_jobs (
    id            uuid PRIMARY KEY,
    user_id       uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    container_id  uuid NOT NULL,
    request       jsonb NOT NULL,
    status        text NOT NULL DEFAULT 'running'
                  CHECK (status IN ('running', 'completed', 'failed')),
    results       jsonb NOT NULL DEFAULT '[]',
    created_at    timestamptz NOT NULL DEFAULT now(),
    finished_at   timestamptz
);
CREATE INDEX exec_jobs_user_idx ON exec_jobs (user_id, created_at DESC);
