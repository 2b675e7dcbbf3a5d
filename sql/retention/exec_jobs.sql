-- Exec jobs finished longer ago than $1 seconds, oldest first, at most $2. A job still
-- `running` an hour after it began (far past the longest timeout) lost its process to a
-- restart and will never finish: it goes too.
DELETE FROM exec_jobs WHERE id IN (
    SELECT id FROM exec_jobs
    WHERE created_at < now() - make_interval(secs => $1)
      AND (finished_at < now() - make_interval(secs => $1)
           OR (finished_at IS NULL AND created_at < now() - interval '1 hour'))
    ORDER BY created_at
    LIMIT $2
)
