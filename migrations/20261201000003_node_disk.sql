-- The size of the filesystem each node's engine keeps its containers on, as the node saw it
-- when it registered; NULL when it could not tell.
ALTER TABLE nodes ADD COLUMN disk_mb bigint;
