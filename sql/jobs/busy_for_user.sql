-- Workers the user's other jobs occupy now: leased, live, and not merely watched.
SELECT count(*)
FROM provision_jobs j JOIN containers c ON c.id = j.container_id
WHERE c.user_id = $1 AND j.id <> $2
  AND j.status = 'running' AND NOT j.watching AND j.lease_until >= now()
