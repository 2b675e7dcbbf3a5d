SELECT id FROM containers WHERE id = ANY($1)
