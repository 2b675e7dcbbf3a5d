DELETE FROM network_subnets WHERE network = $1
