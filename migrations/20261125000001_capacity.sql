-- Capacity (issue 15, item 3).
--
-- Each user network's subnet, which sandboxd carves out of SANDBOXD_ADDRESS_POOL itself,
-- sized to the owner's tier, instead of letting the engine hand every network a /24. The
-- exclusion constraint is what keeps two workers, or two processes, from taking overlapping
-- subnets: the engine does not refuse an explicit subnet that overlaps another network's.
-- A row with no network marks addresses the engine already uses for something that is not
-- this deployment's (another deployment sharing the engine, a network made by hand); those
-- are forgotten after a while and looked at again.
CREATE TABLE network_subnets (
    subnet     cidr PRIMARY KEY,
    network    text UNIQUE,
    created_at timestamptz NOT NULL DEFAULT now(),
    EXCLUDE USING gist (subnet inet_ops WITH &&)
);

-- Why an environment ended in `error`, as a stable code a program can act on
-- (CAPACITY_EXHAUSTED, IMAGE_HAS_VOLUMES); NULL when no code applies.
ALTER TABLE containers ADD COLUMN error_code text;

-- Images sandboxd pulled for custom environments: the only ones housekeeping removes once
-- no container uses them. Catalogue and role images are never listed here.
CREATE TABLE pulled_images (
    reference    text PRIMARY KEY,
    last_used_at timestamptz NOT NULL DEFAULT now()
);
