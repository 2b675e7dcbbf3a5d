-- Images recorded as pulled before nodes were pulled on the one engine there was: node $1's.
UPDATE pulled_images SET node = $1 WHERE node IS NULL
