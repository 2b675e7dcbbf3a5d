-- Environments that failed hold no resources and do not count against the quota.
SELECT count(*) AS used FROM containers WHERE user_id = $1 AND status NOT IN ('error', 'deleting')
