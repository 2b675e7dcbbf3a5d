-- Placement: which node each environment lives on, what a node may be given, and which
-- nodes a tier's users may ask for.
--
-- NULL: not placed yet (waiting for a node with room), or made before nodes existed, when
-- the one engine there was is the node of the process that made it.
ALTER TABLE containers ADD COLUMN node text;
CREATE INDEX containers_node ON containers (node) WHERE node IS NOT NULL;
-- What placement sums per node, read from the index alone (sql/placement/candidates.sql).
CREATE INDEX containers_reserving ON containers (node) INCLUDE (cpu_millicores, memory_mb)
    WHERE status IN ('creating', 'running');
-- What the create asked for (`_any`, `key:value`, a hostname), kept while it waits for room.
ALTER TABLE containers ADD COLUMN node_target text;
CREATE INDEX containers_unplaced ON containers (created_at)
    WHERE node IS NULL AND node_target IS NOT NULL AND status = 'creating';

-- How far a node's CPUs and memory may be promised beyond what it has: most environments
-- idle most of the time, so CPU is shared freely; memory, which cannot be taken back, less.
-- A node registers with the settings' ratios; an admin may change them.
ALTER TABLE nodes ADD COLUMN cpu_overcommit real NOT NULL DEFAULT 16 CHECK (cpu_overcommit > 0);
ALTER TABLE nodes ADD COLUMN memory_overcommit real NOT NULL DEFAULT 2 CHECK (memory_overcommit > 0);

-- What the tier's users may put in a create's `node`: `_any`, a label `key:value`, or a
-- hostname. Admins may use any.
ALTER TABLE tiers ADD COLUMN node_targets text[] NOT NULL DEFAULT '{_any}';
