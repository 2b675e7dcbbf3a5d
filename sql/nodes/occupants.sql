-- Environments that live on the node in any status, those being deleted included: their
-- containers are still reached through the node's engine.
SELECT count(*) FROM containers WHERE node = $1
