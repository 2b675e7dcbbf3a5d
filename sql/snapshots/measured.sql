-- The committed image's size, counted from now on against the quota.
UPDATE snapshots SET size_bytes = $2 WHERE id = $1
