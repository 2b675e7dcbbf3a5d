INSERT INTO audit_log (actor_id, actor, action, target, ip, status, outcome)
VALUES ($1, $2, $3, $4, $5, $6, $7)
