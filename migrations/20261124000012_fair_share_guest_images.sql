-- Fair share of the workers. A job whose environment is only waiting for its first process
-- to report (configuring) is watched by a cheap task, not a worker: it holds its lease but
-- does not count against its owner's share of workers.
ALTER TABLE provision_jobs ADD COLUMN watching boolean NOT NULL DEFAULT false;

-- Anonymous guests may run the catalogue's images only: no `custom` image, whose first
-- process could be anything. Left alone when an admin already chose a list.
UPDATE tiers
SET allowed_images = ARRAY['ubuntu:24.04', 'debian:bookworm', 'alpine:latest', 'archlinux:latest'],
    updated_at = now()
WHERE name = 'guest' AND allowed_images IS NULL;
