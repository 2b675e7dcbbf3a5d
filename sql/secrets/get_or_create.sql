WITH inserted AS (
    INSERT INTO server_secrets (name, value) VALUES ($1, $2)
    ON CONFLICT (name) DO NOTHING
    RETURNING value
)
SELECT value FROM inserted
UNION ALL
SELECT value FROM server_secrets WHERE name = $1
LIMIT 1
