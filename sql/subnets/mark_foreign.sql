-- Addresses the engine already uses for a network that is not one of ours; nothing when they
-- overlap a subnet of ours (the caller then marks its own candidate instead).
INSERT INTO network_subnets (subnet) VALUES ($1::cidr) ON CONFLICT DO NOTHING
