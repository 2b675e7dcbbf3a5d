-- Snapshots: an environment's filesystem saved as an image in the deployment's registry, so
-- any node can start it. A row is `ready` once the image is in the registry; before that it
-- only holds its owner's quota slot and name while the commit and push run, and a failed
-- push deletes it.
CREATE TABLE snapshots (
    id              uuid PRIMARY KEY,
    user_id         uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name            text NOT NULL,
    image_ref       text NOT NULL,
    -- The manifest digest the registry gave the push: what its delete API names.
    digest          text,
    size_bytes      bigint NOT NULL DEFAULT 0,
    -- Where it came from; the environment may be gone since.
    container_id    uuid,
    container_name  text NOT NULL,
    node            text,
    ready           boolean NOT NULL DEFAULT false,
    created_at      timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT snapshots_user_name_key UNIQUE (user_id, name)
);
CREATE INDEX snapshots_user ON snapshots (user_id, created_at DESC);

-- Per-tier snapshot quotas: how many, and how much image they may hold together.
ALTER TABLE tiers
    ADD COLUMN snapshots_max integer NOT NULL DEFAULT 5 CHECK (snapshots_max >= 0),
    ADD COLUMN snapshot_storage_mb_max integer NOT NULL DEFAULT 5120
        CHECK (snapshot_storage_mb_max >= 0);
UPDATE tiers SET snapshots_max = 1, snapshot_storage_mb_max = 1024 WHERE name = 'guest';
UPDATE tiers SET snapshots_max = 5, snapshot_storage_mb_max = 10240 WHERE name = 'free';
UPDATE tiers SET snapshots_max = 20, snapshot_storage_mb_max = 51200 WHERE name = 'pro';
UPDATE tiers SET snapshots_max = 50, snapshot_storage_mb_max = 204800 WHERE name = 'enterprise';
