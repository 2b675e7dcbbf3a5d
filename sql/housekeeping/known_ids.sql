-- Which of the environments named by containers on node $2's engine live there (or have no
-- node yet): a container of one that lives on another node (made there before its node went
-- down and it was placed again) is an orphan here.
SELECT id FROM containers WHERE id = ANY($1) AND (node = $2 OR node IS NULL)
