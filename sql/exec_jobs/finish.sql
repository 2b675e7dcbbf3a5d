UPDATE exec_jobs SET status = $2, results = $3, finished_at = now()
WHERE id = $1
