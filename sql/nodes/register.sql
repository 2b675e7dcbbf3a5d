-- A node (re)registers at start: what it is now replaces what it was; draining is the
-- admin's and stays.
INSERT INTO nodes (name, engine, labels, cpus, memory_mb, version)
VALUES ($1, $2, $3, $4, $5, $6)
ON CONFLICT (name) DO UPDATE
SET engine = EXCLUDED.engine, labels = EXCLUDED.labels, cpus = EXCLUDED.cpus,
    memory_mb = EXCLUDED.memory_mb, version = EXCLUDED.version, heartbeat_at = now()
