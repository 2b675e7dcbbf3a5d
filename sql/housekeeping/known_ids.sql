-- Which of the environments named by containers on node $2's engine live there (or have no
-- node yet): a container of one that lives on another node (made there before its node went
-- down and it was placed again) is an orphan here. A warm pool's members are known too: each
-- container is named and labelled as the environment that will take it.
SELECT id FROM containers WHERE id = ANY($1) AND (node = $2 OR node IS NULL)
UNION ALL
SELECT id FROM pool_members WHERE id = ANY($1) AND node = $2
