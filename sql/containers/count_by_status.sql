SELECT status, count(*) AS environments FROM containers GROUP BY status
