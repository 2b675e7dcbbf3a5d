-- An admin's edit: each of labels ($2), CPU ($3) and memory ($4) overcommit when given.
-- Labels set here are kept when the node registers again.
UPDATE nodes
SET labels = COALESCE($2, labels),
    labels_by_admin = labels_by_admin OR $2 IS NOT NULL,
    cpu_overcommit = COALESCE($3, cpu_overcommit),
    memory_overcommit = COALESCE($4, memory_overcommit)
WHERE name = $1
