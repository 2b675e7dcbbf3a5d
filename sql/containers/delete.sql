DELETE FROM containers WHERE id = $1
