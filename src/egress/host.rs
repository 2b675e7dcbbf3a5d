//! What the egress policy needs to know of the host it runs on: its resolvers and the network
//! its uplink is on, read from the files the kernel and the resolver library keep.

use std::net::{IpAddr, Ipv4Addr};

use ipnet::{IpNet, Ipv4Net};

/// Non-loopback nameservers of `/etc/resolv.conf`. The engine's DNS forwards environments'
/// queries to these (loopback ones it replaces with public resolvers).
pub fn resolvers() -> Vec<IpAddr> {
    let text = std::fs::read_to_string("/etc/resolv.conf").unwrap_or_default();
    parse_resolvers(&text)
}

fn parse_resolvers(text: &str) -> Vec<IpAddr> {
    text.lines()
        .filter_map(|line| line.trim().strip_prefix("nameserver"))
        .filter_map(|rest| rest.trim().parse::<IpAddr>().ok())
        .filter(|address| !address.is_loopback())
        .collect()
}

/// The IPv4 networks directly on the interfaces the default route leaves by: the host's
/// neighbours and router, private or not.
pub fn uplink_networks() -> Vec<IpNet> {
    let text = std::fs::read_to_string("/proc/net/route").unwrap_or_default();
    parse_routes(&text)
}

fn parse_routes(text: &str) -> Vec<IpNet> {
    // Iface Destination Gateway Flags RefCnt Use Metric Mask ..., addresses in hex as the
    // kernel holds them (network order read as a native integer).
    let routes: Vec<(&str, Ipv4Addr, Ipv4Addr, Ipv4Addr)> = text
        .lines()
        .skip(1)
        .filter_map(|line| {
            let fields: Vec<&str> = line.split_whitespace().collect();
            let address = |index: usize| -> Option<Ipv4Addr> {
                let raw = u32::from_str_radix(fields.get(index)?, 16).ok()?;
                Some(Ipv4Addr::from(raw.to_ne_bytes()))
            };
            Some((*fields.first()?, address(1)?, address(2)?, address(7)?))
        })
        .collect();
    let uplinks: Vec<&str> = routes
        .iter()
        .filter(|(_, destination, _, mask)| destination.is_unspecified() && mask.is_unspecified())
        .map(|(interface, ..)| *interface)
        .collect();
    routes
        .iter()
        .filter(|(interface, destination, gateway, _)| {
            uplinks.contains(interface) && !destination.is_unspecified() && gateway.is_unspecified()
        })
        .filter_map(|(_, destination, _, mask)| {
            let prefix = u32::from(*mask).count_ones() as u8;
            Some(IpNet::V4(Ipv4Net::new(*destination, prefix).ok()?))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_resolvers_are_left_out() {
        let text = "# comment\nnameserver 10.255.255.53\nnameserver 127.0.0.53\nsearch x\n";
        assert_eq!(
            parse_resolvers(text),
            vec!["10.255.255.53".parse::<IpAddr>().unwrap()]
        );
    }

    #[cfg(target_endian = "little")]
    #[test]
    fn the_uplinks_own_network_is_found_and_other_interfaces_are_not() {
        let text =
            "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT\n\
            eth0\t00000000\t010200C0\t0003\t0\t0\t0\t00000000\t0\t0\t0\n\
            sbx0\t0000D50A\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0\n\
            eth0\t000200C0\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0\n";
        let networks: Vec<String> = parse_routes(text).iter().map(|n| n.to_string()).collect();
        assert_eq!(networks, vec!["192.0.2.0/24"]);
    }
}
