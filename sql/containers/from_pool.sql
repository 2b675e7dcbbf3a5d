SELECT from_pool FROM containers WHERE id = $1
