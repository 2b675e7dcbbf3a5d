DELETE FROM network_subnets WHERE subnet = $1::cidr
