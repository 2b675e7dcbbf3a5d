-- Warm pools: per node, environments of one shape made and started ahead of time, with no
-- network and no owner, that a matching create takes instead of making one.
CREATE TABLE pools (
    id         uuid PRIMARY KEY,
    node       text NOT NULL REFERENCES nodes (name) ON DELETE CASCADE,
    -- A catalogue name, a role, and the tier whose default limits make the shape.
    image      text NOT NULL,
    role       text NOT NULL,
    tier       text NOT NULL REFERENCES tiers (name) ON DELETE CASCADE,
    size       integer NOT NULL CHECK (size BETWEEN 0 AND 100),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (node, image, role, tier)
);

-- A member's id becomes the id of the environment that takes it, so its container is
-- named and labelled as that environment's from the start. The shape is the one it was
-- made with: a tier edited since leaves it unmatched, and the filler replaces it.
CREATE TABLE pool_members (
    id             uuid PRIMARY KEY,
    pool_id        uuid NOT NULL REFERENCES pools (id) ON DELETE CASCADE,
    node           text NOT NULL,
    image          text NOT NULL,
    image_ref      text NOT NULL,
    role           text NOT NULL,
    memory_mb      integer NOT NULL,
    cpu_millicores integer NOT NULL,
    disk_mb        integer NOT NULL,
    ready          boolean NOT NULL DEFAULT false,
    docker_id      text,
    created_at     timestamptz NOT NULL DEFAULT now(),
    ready_at       timestamptz
);
CREATE INDEX pool_members_claimable
    ON pool_members (image_ref, role, memory_mb, cpu_millicores, disk_mb, ready_at) WHERE ready;
CREATE INDEX pool_members_pool ON pool_members (pool_id);
CREATE INDEX pool_members_node ON pool_members (node);

-- Taken from a pool: provisioning only joins it to its owner's network.
ALTER TABLE containers ADD COLUMN from_pool boolean NOT NULL DEFAULT false;
-- A node gets the configured default pool once, at its first registration: a pool an admin
-- removed stays removed.
ALTER TABLE nodes ADD COLUMN pools_seeded boolean NOT NULL DEFAULT false;
