-- The Docker engines sandboxd runs environments on, each registered by the sandboxd process
-- beside it (`serve` with embedded workers, or `worker`), which keeps its heartbeat fresh.
-- A node whose heartbeat is older than the configured time is shown as down.
CREATE TABLE nodes (
    name          text PRIMARY KEY,
    engine        text NOT NULL,
    labels        jsonb NOT NULL DEFAULT '{}'::jsonb,
    cpus          integer NOT NULL,
    memory_mb     bigint NOT NULL,
    version       text NOT NULL,
    draining      boolean NOT NULL DEFAULT false,
    registered_at timestamptz NOT NULL DEFAULT now(),
    heartbeat_at  timestamptz NOT NULL DEFAULT now()
);
