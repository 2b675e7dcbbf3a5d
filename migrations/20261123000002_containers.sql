-- An environment. The row exists from the moment a create is accepted, so the quota counts it
-- before any container does; it is deleted only once its container and storage are gone.
CREATE TABLE containers (
    id              uuid PRIMARY KEY,
    user_id         uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name            text NOT NULL,
    image           text NOT NULL,
    image_ref       text NOT NULL,
    role            text,
    shell           jsonb NOT NULL DEFAULT '{}'::jsonb,
    memory_mb       integer NOT NULL,
    cpu_millicores  integer NOT NULL,
    disk_mb         integer NOT NULL,
    status          text NOT NULL DEFAULT 'creating'
                    CHECK (status IN ('creating', 'running', 'stopped', 'error', 'deleting')),
    stage           text NOT NULL DEFAULT 'validating',
    progress        integer NOT NULL DEFAULT 0 CHECK (progress BETWEEN 0 AND 100),
    message         text,
    docker_id       text,
    expires_at      timestamptz,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX containers_user_name_key ON containers (user_id, lower(name));
CREATE INDEX containers_status_idx ON containers (status);
