-- Tiers are data, not code: admins edit them and every limit check reads them from here.
CREATE TABLE tiers (
    name                    text PRIMARY KEY CHECK (name ~ '^[a-z0-9][a-z0-9-]{0,31}$'),
    max_containers          integer NOT NULL CHECK (max_containers >= 0),
    memory_mb_min           integer NOT NULL,
    memory_mb_default       integer NOT NULL,
    memory_mb_max           integer NOT NULL,
    cpu_millicores_min      integer NOT NULL,
    cpu_millicores_default  integer NOT NULL,
    cpu_millicores_max      integer NOT NULL,
    disk_mb_min             integer NOT NULL,
    disk_mb_default         integer NOT NULL,
    disk_mb_max             integer NOT NULL,
    -- NULL means no limit.
    session_limit_seconds   integer CHECK (session_limit_seconds > 0),
    idle_timeout_seconds    integer CHECK (idle_timeout_seconds > 0),
    -- NULL means every catalogue image.
    allowed_images          text[],
    created_at              timestamptz NOT NULL DEFAULT now(),
    updated_at              timestamptz NOT NULL DEFAULT now(),
    CHECK (memory_mb_min <= memory_mb_default AND memory_mb_default <= memory_mb_max),
    CHECK (cpu_millicores_min <= cpu_millicores_default AND cpu_millicores_default <= cpu_millicores_max),
    CHECK (disk_mb_min <= disk_mb_default AND disk_mb_default <= disk_mb_max)
);

INSERT INTO tiers (name, max_containers,
                   memory_mb_min, memory_mb_default, memory_mb_max,
                   cpu_millicores_min, cpu_millicores_default, cpu_millicores_max,
                   disk_mb_min, disk_mb_default, disk_mb_max,
                   session_limit_seconds, idle_timeout_seconds)
VALUES
    ('guest',       1, 256,  512,   512, 250,  500,   500, 1024,  2048,   2048,   3600,  900),
    ('free',        5, 256, 2048,  4096, 250, 2000,  4000, 1024, 10240,  16384, 180000, 3600),
    ('pro',        10, 256, 4096,  8192, 250, 4000,  8000, 1024, 20480,  51200,   NULL, 14400),
    ('enterprise', 25, 256, 8192, 16384, 250, 8000, 16000, 1024, 51200, 102400,   NULL, 28800);

CREATE TABLE users (
    id             uuid PRIMARY KEY,
    email          text,
    username       text NOT NULL,
    -- NULL for guests, who never log in with a password.
    password_hash  text,
    role           text NOT NULL DEFAULT 'user' CHECK (role IN ('user', 'admin')),
    tier           text NOT NULL REFERENCES tiers (name) ON UPDATE CASCADE ON DELETE RESTRICT,
    is_guest       boolean NOT NULL DEFAULT false,
    expires_at     timestamptz,
    disabled_at    timestamptz,
    created_at     timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX users_email_key ON users (lower(email));
CREATE UNIQUE INDEX users_username_key ON users (lower(username));

-- One row per issued JWT: logout and account disabling revoke it at once.
CREATE TABLE sessions (
    id          uuid PRIMARY KEY,
    user_id     uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    ip          text,
    created_at  timestamptz NOT NULL DEFAULT now(),
    expires_at  timestamptz NOT NULL,
    revoked_at  timestamptz
);
CREATE INDEX sessions_user_idx ON sessions (user_id);

CREATE TABLE api_tokens (
    id            uuid PRIMARY KEY,
    user_id       uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name          text NOT NULL,
    prefix        text NOT NULL,
    -- SHA-256 of the whole token: tokens carry enough entropy that a slow hash buys nothing.
    token_hash    bytea NOT NULL UNIQUE,
    scopes        text[] NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    last_used_at  timestamptz,
    expires_at    timestamptz,
    revoked_at    timestamptz
);
CREATE INDEX api_tokens_user_idx ON api_tokens (user_id);

-- Secrets every replica must share, generated once when none is configured.
CREATE TABLE server_secrets (
    name        text PRIMARY KEY,
    value       bytea NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);
