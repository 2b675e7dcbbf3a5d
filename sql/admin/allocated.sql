-- What running environments were given: memory (MB), CPU (millicores) and disk quota (MB).
-- Paused ones keep their memory and disk but use no CPU.
SELECT COALESCE(sum(memory_mb), 0)::bigint,
       COALESCE(sum(cpu_millicores) FILTER (WHERE status = 'running'), 0)::bigint,
       COALESCE(sum(disk_mb), 0)::bigint
FROM containers WHERE status IN ('running', 'paused')
