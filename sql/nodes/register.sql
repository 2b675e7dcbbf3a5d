-- A node (re)registers at start: what it is now replaces what it was; draining and the
-- overcommit are the admin's and stay (the settings give a new node's), and so do labels
-- once an admin has set them.
INSERT INTO nodes (name, engine, labels, cpus, memory_mb, version, cpu_overcommit, memory_overcommit,
                   disk_mb)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
ON CONFLICT (name) DO UPDATE
SET engine = EXCLUDED.engine,
    labels = CASE WHEN nodes.labels_by_admin THEN nodes.labels ELSE EXCLUDED.labels END,
    cpus = EXCLUDED.cpus, memory_mb = EXCLUDED.memory_mb, disk_mb = EXCLUDED.disk_mb,
    version = EXCLUDED.version,
    heartbeat_at = now()
