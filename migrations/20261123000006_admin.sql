-- Per-user limits that beat the tier's: NULL leaves the tier's value.
CREATE TABLE user_limits (
    user_id                 uuid PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    max_containers          integer CHECK (max_containers >= 0),
    memory_mb_min           integer,
    memory_mb_default       integer,
    memory_mb_max           integer,
    cpu_millicores_min      integer,
    cpu_millicores_default  integer,
    cpu_millicores_max      integer,
    disk_mb_min             integer,
    disk_mb_default         integer,
    disk_mb_max             integer,
    session_limit_seconds   integer CHECK (session_limit_seconds > 0),
    idle_timeout_seconds    integer CHECK (idle_timeout_seconds > 0),
    allowed_images          text[],
    updated_at              timestamptz NOT NULL DEFAULT now()
);

-- Every state-changing API call: who, what, on what, from where, and how it ended.
CREATE TABLE audit_log (
    id         bigserial PRIMARY KEY,
    at         timestamptz NOT NULL DEFAULT now(),
    actor_id   uuid,
    actor      text,
    action     text NOT NULL,
    target     text,
    ip         text,
    status     integer NOT NULL,
    outcome    text NOT NULL CHECK (outcome IN ('success', 'failure'))
);
CREATE INDEX audit_log_actor_idx ON audit_log (actor_id, id DESC);

-- Activity pushes the idle deadline back; the expiry warning goes out once.
ALTER TABLE containers
    ADD COLUMN last_activity_at timestamptz NOT NULL DEFAULT now(),
    ADD COLUMN expiry_warned_at timestamptz;
