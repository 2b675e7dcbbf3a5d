-- Pause and resume: an environment's processes frozen in place (memory kept, CPU freed).
ALTER TABLE containers DROP CONSTRAINT containers_status_check;
ALTER TABLE containers ADD CONSTRAINT containers_status_check
    CHECK (status IN ('creating', 'running', 'paused', 'stopped', 'error', 'deleting'));

-- A paused environment keeps its memory on its node but uses no CPU, so placement sums its
-- memory and not its CPU (sql/placement/candidates.sql); the status is in the index so the
-- sums still come from the index alone.
DROP INDEX containers_reserving;
CREATE INDEX containers_reserving ON containers (node)
    INCLUDE (status, cpu_millicores, memory_mb)
    WHERE status IN ('creating', 'running', 'paused');

-- What idle housekeeping does to an environment idle past its tier's timeout: stop it
-- (files kept, memory freed) or pause it (everything kept, resumed in milliseconds).
ALTER TABLE tiers ADD COLUMN idle_action text NOT NULL DEFAULT 'stop'
    CHECK (idle_action IN ('stop', 'pause'));
