SELECT subnet::text FROM network_subnets WHERE network = $1
