-- Whether any node, in whatever state, is named $1 or labelled $2 = $3.
SELECT EXISTS (
    SELECT 1 FROM nodes
    WHERE ($1::text IS NULL OR name = $1)
      AND ($2::text IS NULL OR labels ->> $2 = $3)
)
