//! What an environment runs and reaches beyond its dev shell, as OSAPI's create asks: a
//! command started on every boot, and, only where an admin setting allows it and only for
//! admins, host paths mounted and host ports published.

use serde::{Deserialize, Serialize};

use super::EnvironmentId;

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Workload {
    /// Run by the environment's first process once the shell is configured, on every boot.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub command: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub volumes: Vec<HostVolume>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ports: Vec<HostPort>,
    /// A fork's parent, whose writable layer the fork's container starts from (where the
    /// engine's layers can be copied in place; elsewhere forks start from a committed image).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clone_of: Option<EnvironmentId>,
}

/// `host:container[:ro|rw]`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HostVolume {
    pub host: String,
    pub container: String,
    pub read_only: bool,
}

/// `[ip:]host:container[/tcp|/udp]`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HostPort {
    pub host_ip: Option<String>,
    pub host_port: u16,
    pub container_port: u16,
    pub protocol: String,
}

impl Workload {
    pub fn reaches_host(&self) -> bool {
        !self.volumes.is_empty() || !self.ports.is_empty()
    }
}

impl HostVolume {
    pub fn parse(text: &str) -> Option<Self> {
        let mut parts = text.split(':');
        let host = parts.next()?;
        let container = parts.next()?;
        let read_only = match parts.next() {
            None | Some("rw") => false,
            Some("ro") => true,
            Some(_) => return None,
        };
        let absolute =
            |path: &str| path.starts_with('/') && !path.split('/').any(|part| part == "..");
        (parts.next().is_none() && absolute(host) && absolute(container)).then(|| Self {
            host: host.to_string(),
            container: container.to_string(),
            read_only,
        })
    }

    /// As the engine's `Binds` takes it.
    pub fn bind(&self) -> String {
        let mode = if self.read_only { "ro" } else { "rw" };
        format!("{}:{}:{mode}", self.host, self.container)
    }
}

impl HostPort {
    pub fn parse(text: &str) -> Option<Self> {
        let (address, protocol) = match text.rsplit_once('/') {
            Some((address, protocol @ ("tcp" | "udp"))) => (address, protocol),
            Some(_) => return None,
            None => (text, "tcp"),
        };
        let (host_ip, ports) = match address.rsplitn(3, ':').collect::<Vec<_>>()[..] {
            [container, host] => (None, (host, container)),
            [container, host, ip] => {
                ip.parse::<std::net::IpAddr>().ok()?;
                (Some(ip.to_string()), (host, container))
            }
            _ => return None,
        };
        let port = |text: &str| text.parse::<u16>().ok().filter(|port| *port > 0);
        Some(Self {
            host_ip,
            host_port: port(ports.0)?,
            container_port: port(ports.1)?,
            protocol: protocol.to_string(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn volumes_are_two_absolute_paths_and_a_mode() {
        let volume = HostVolume::parse("/srv/data:/data:ro").unwrap();
        assert_eq!(volume.bind(), "/srv/data:/data:ro");
        assert_eq!(HostVolume::parse("/a:/b").unwrap().bind(), "/a:/b:rw");
        for bad in [
            "data:/data",
            "/a:b",
            "/a",
            "/a:/b:rx",
            "/a:/b:ro:x",
            "/a/../etc:/b",
        ] {
            assert_eq!(HostVolume::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn ports_are_host_and_container_with_an_optional_address_and_protocol() {
        let port = HostPort::parse("127.0.0.1:8080:80/udp").unwrap();
        assert_eq!(port.host_ip.as_deref(), Some("127.0.0.1"));
        assert_eq!((port.host_port, port.container_port), (8080, 80));
        assert_eq!(port.protocol, "udp");
        assert_eq!(HostPort::parse("8080:80").unwrap().protocol, "tcp");
        for bad in [
            "80",
            "0:80",
            "8080:80/sctp",
            "host:8080:80",
            "a:b",
            "1:2:3:4",
        ] {
            assert_eq!(HostPort::parse(bad), None, "{bad}");
        }
    }
}
