-- What running environments were given: memory (MB), CPU (millicores) and disk quota (MB).
SELECT COALESCE(sum(memory_mb), 0)::bigint, COALESCE(sum(cpu_millicores), 0)::bigint,
       COALESCE(sum(disk_mb), 0)::bigint
FROM containers WHERE status = 'running'
