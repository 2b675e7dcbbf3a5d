-- Ports of an environment its owner has made public: anyone may open them through a preview.
-- A port not listed here is private (only its owner, or a link of theirs, passes).
CREATE TABLE preview_ports (
    container_id uuid NOT NULL REFERENCES containers (id) ON DELETE CASCADE,
    port         integer NOT NULL CHECK (port BETWEEN 1 AND 65535),
    made_public_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (container_id, port)
);

-- Share links: a port of an environment opened to whoever holds the link, until it expires
-- or its owner revokes it. The link itself is signed; this row is what revocation checks.
CREATE TABLE preview_shares (
    id           uuid PRIMARY KEY,
    container_id uuid NOT NULL REFERENCES containers (id) ON DELETE CASCADE,
    port         integer NOT NULL CHECK (port BETWEEN 1 AND 65535),
    created_at   timestamptz NOT NULL DEFAULT now(),
    expires_at   timestamptz NOT NULL,
    revoked_at   timestamptz
);
CREATE INDEX preview_shares_container_idx ON preview_shares (container_id, created_at);
