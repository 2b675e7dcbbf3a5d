-- Whether the user's snapshot with this image is still there (in a create's transaction,
-- under the owner's lock that its delete takes too).
SELECT EXISTS (
    SELECT 1 FROM snapshots WHERE user_id = $1 AND image_ref = $2 AND ready
)
