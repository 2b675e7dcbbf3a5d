-- The pools ask every few seconds, per node, whether an environment was handed out there
-- lately (sql/pools/busy.sql): a range of this index, not every environment on the node.
CREATE INDEX containers_node_created ON containers (node, created_at) WHERE node IS NOT NULL;
