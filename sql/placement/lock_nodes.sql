-- Holds every node a create may go to until its transaction ends, in name order (so two
-- creates never wait on each other crosswise): whoever places among them next waits, then
-- counts what this one placed.
SELECT name FROM nodes
WHERE ($1::text IS NULL OR name = $1)
  AND ($2::text IS NULL OR labels ->> $2 = $3)
ORDER BY name
FOR UPDATE
