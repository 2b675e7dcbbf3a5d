-- Holds a node until the transaction ends: whoever places on it next waits, then counts
-- what this one placed.
SELECT name FROM nodes WHERE name = $1 FOR UPDATE
