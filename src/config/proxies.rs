//! `SANDBOXD_TRUSTED_PROXIES`: the networks whose X-Forwarded-For entries are believed.

use std::net::IpAddr;
use std::str::FromStr;

use ipnet::IpNet;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProxyList(Vec<IpNet>);

impl ProxyList {
    pub fn contains(&self, address: IpAddr) -> bool {
        let address = canonical(address);
        self.0.iter().any(|net| net.contains(&address))
    }
}

/// An IPv4 address written as IPv6 (`::ffff:127.0.0.1`, how a dual-stack socket reports it)
/// is the IPv4 address.
fn canonical(address: IpAddr) -> IpAddr {
    match address {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(address, IpAddr::V4),
        v4 => v4,
    }
}

impl FromStr for ProxyList {
    type Err = String;

    /// Comma-separated networks (`10.0.0.0/8`) or single addresses (`192.0.2.1`).
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        text.split(',')
            .map(str::trim)
            .filter(|item| !item.is_empty())
            .map(|item| {
                item.parse::<IpNet>()
                    .or_else(|_| item.parse::<IpAddr>().map(IpNet::from))
                    .map_err(|_| format!("{item:?} is neither a network nor an address"))
            })
            .collect::<Result<_, _>>()
            .map(ProxyList)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn networks_and_single_addresses_are_read() {
        let list: ProxyList = "10.0.0.0/8, 192.0.2.1 ,::1".parse().unwrap();
        assert!(list.contains("10.1.2.3".parse().unwrap()));
        assert!(list.contains("192.0.2.1".parse().unwrap()));
        assert!(!list.contains("192.0.2.2".parse().unwrap()));
        assert!(list.contains("::1".parse().unwrap()));
        assert!(list.contains("::ffff:10.9.9.9".parse().unwrap()));
        assert!("10.0.0.0/33".parse::<ProxyList>().is_err());
    }
}
