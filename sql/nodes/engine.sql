-- Where a node's engine answers, as the node registered it last.
SELECT engine FROM nodes WHERE name = $1
