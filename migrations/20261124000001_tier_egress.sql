-- Where a tier's environments may open connections: "public" (public addresses only), "none",
-- or a list of {"cidr", "ports"} (src/model/egress.rs). Every worker applies it to its
-- networks' firewall rules within seconds of a change.
ALTER TABLE tiers
    ADD COLUMN egress jsonb NOT NULL DEFAULT '"public"'
        CHECK (jsonb_typeof(egress) IN ('string', 'array'));
