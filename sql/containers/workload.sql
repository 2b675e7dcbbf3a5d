SELECT workload FROM containers WHERE id = $1
