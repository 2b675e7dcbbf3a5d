-- Serialises creates by one user, so the quota check and the insert see the same count.
SELECT tier FROM users WHERE id = $1 FOR UPDATE
