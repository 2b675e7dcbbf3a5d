-- Holds a node until the transaction ends, as placement does (sql/placement/lock_nodes.sql):
-- no environment is given to it while an admin's change to it is checked and made.
SELECT draining FROM nodes WHERE name = $1 FOR UPDATE
