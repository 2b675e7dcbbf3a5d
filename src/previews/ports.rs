//! Which TCP ports an environment listens on, read from its own `/proc/net/tcp{,6}`: what
//! is running now, not what anyone declared.

use std::collections::BTreeMap;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// The `st` column's value for a listening socket.
const LISTEN: &str = "0A";

/// A listening port and where it is bound; a port bound only to the loopback cannot be
/// reached from outside the environment, previews included.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Listener {
    pub port: u16,
    pub addresses: Vec<IpAddr>,
}

impl Listener {
    pub fn reachable(&self) -> bool {
        self.addresses.iter().any(|address| !loopback(address))
    }
}

fn loopback(address: &IpAddr) -> bool {
    match address {
        IpAddr::V4(v4) => v4.is_loopback(),
        IpAddr::V6(v6) => {
            v6.is_loopback() || v6.to_ipv4_mapped().is_some_and(|v4| v4.is_loopback())
        }
    }
}

/// The listening sockets in the text of `/proc/net/tcp` and `/proc/net/tcp6` (either or
/// both, concatenated), by port.
pub fn listeners(proc_net_tcp: &str) -> Vec<Listener> {
    let mut by_port: BTreeMap<u16, Vec<IpAddr>> = BTreeMap::new();
    for line in proc_net_tcp.lines() {
        let mut columns = line.split_whitespace();
        let (Some(_slot), Some(local), Some(_remote), Some(state)) = (
            columns.next(),
            columns.next(),
            columns.next(),
            columns.next(),
        ) else {
            continue;
        };
        if state != LISTEN {
            continue;
        }
        if let Some((address, port)) = socket(local) {
            let addresses = by_port.entry(port).or_default();
            if !addresses.contains(&address) {
                addresses.push(address);
            }
        }
    }
    by_port
        .into_iter()
        .map(|(port, addresses)| Listener { port, addresses })
        .collect()
}

/// `0100007F:1F90` → 127.0.0.1:8080. The kernel prints each 32-bit word of the address as
/// it lies in memory read as a native integer; the port is plain hex.
fn socket(local: &str) -> Option<(IpAddr, u16)> {
    let (address, port) = local.split_once(':')?;
    let port = u16::from_str_radix(port, 16)
        .ok()
        .filter(|port| *port != 0)?;
    let word = |hex: &str| u32::from_str_radix(hex, 16).ok().map(u32::to_ne_bytes);
    let address = match address.len() {
        8 => IpAddr::V4(Ipv4Addr::from(word(address)?)),
        32 => {
            let mut bytes = [0u8; 16];
            for (index, chunk) in bytes.chunks_mut(4).enumerate() {
                chunk.copy_from_slice(&word(address.get(index * 8..index * 8 + 8)?)?);
            }
            IpAddr::V6(Ipv6Addr::from(bytes))
        }
        _ => return None,
    };
    Some((address, port))
}

#[cfg(all(test, target_endian = "little"))]
mod tests {
    use super::*;

    const SAMPLE: &str = "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 00000000:1F40 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 1 1 0000000000000000 100 0 0 10 0
   1: 0100007F:0BB8 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 2 1 0000000000000000 100 0 0 10 0
   2: 0200110A:1F40 0100110A:D2F0 01 00000000:00000000 00:00000000 00000000  1000        0 3 1 0000000000000000 20 4 30 10 -1
  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 00000000000000000000000000000000:1F40 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 4 1 0000000000000000 100 0 0 10 0
   1: 00000000000000000000000001000000:1389 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 5 1 0000000000000000 100 0 0 10 0
";

    #[test]
    fn listening_sockets_are_found_with_their_addresses_and_others_ignored() {
        let found = listeners(SAMPLE);
        let ports: Vec<u16> = found.iter().map(|listener| listener.port).collect();
        // 8000 on both families, 3000 on 127.0.0.1, 5001 on ::1; the connected one is not listed.
        assert_eq!(ports, vec![3000, 5001, 8000]);
        assert_eq!(found[0].addresses, vec![IpAddr::from([127, 0, 0, 1])]);
        assert!(!found[0].reachable());
        assert_eq!(found[1].addresses, vec![IpAddr::V6(Ipv6Addr::LOCALHOST)]);
        assert!(!found[1].reachable());
        assert_eq!(found[2].addresses.len(), 2);
        assert!(found[2].reachable());
    }

    #[test]
    fn malformed_lines_are_skipped() {
        assert!(listeners("garbage\n0: zz:1F40 0 0A\n0: 00000000:0000 0 0A\n").is_empty());
    }
}
