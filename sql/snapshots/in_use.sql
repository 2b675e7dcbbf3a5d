-- Whether an environment is being made from the image: deleting it from the registry now
-- would fail that environment's pull.
SELECT EXISTS (
    SELECT 1 FROM containers WHERE image_ref = $1 AND status = 'creating'
)
