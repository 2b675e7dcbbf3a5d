//! Where a tier's environments may open connections: a tier's `egress`.
//!
//! On the wire it is `"public"` (public addresses only, the default), `"none"`, or a list of
//! `{"cidr", "ports"}` entries: exactly what the list names passes, and nothing else.

use std::net::IpAddr;

use ipnet::IpNet;
use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use utoipa::ToSchema;

/// The most entries a list may have, and the most ports an entry may name: each entry is a
/// firewall rule or two per port group, evaluated for every new connection.
pub const MAX_ENTRIES: usize = 64;
pub const MAX_PORTS: usize = 32;

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum EgressPolicy {
    /// Public addresses only: nothing private, link-local, loopback, multicast or reserved.
    #[default]
    Public,
    None,
    Allow(Vec<Allowed>),
}

/// One entry of an allow-list: a network and, optionally, the ports (TCP and UDP) allowed on
/// it; no ports means every port.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Allowed {
    /// An address or a network in CIDR notation, IPv4 or IPv6.
    #[schema(example = "203.0.113.0/24")]
    pub cidr: String,
    #[serde(default)]
    #[schema(example = json!([443]))]
    pub ports: Vec<u16>,
}

/// The OpenAPI shape of [`EgressPolicy`].
#[derive(ToSchema)]
#[serde(untagged)]
#[allow(dead_code)] // only its schema is used
pub enum EgressSchema {
    Word(EgressWord),
    Allow(Vec<Allowed>),
}

#[derive(ToSchema)]
#[schema(rename_all = "lowercase")]
#[allow(dead_code)]
pub enum EgressWord {
    Public,
    None,
}

impl Allowed {
    /// The entry's network; a bare address stands for itself alone.
    pub fn net(&self) -> Result<IpNet, String> {
        let text = self.cidr.trim();
        if let Ok(address) = text.parse::<IpAddr>() {
            return Ok(IpNet::from(address));
        }
        let net: IpNet = text.parse().map_err(|_| {
            format!(
                "egress: {:?} is not an address or a CIDR network (such as 203.0.113.0/24)",
                self.cidr
            )
        })?;
        if net.trunc() != net {
            return Err(format!(
                "egress: {:?} has bits set past its prefix; the network is {}",
                self.cidr,
                net.trunc()
            ));
        }
        Ok(net)
    }
}

impl EgressPolicy {
    /// Why the policy cannot be applied, in words for the admin who wrote it.
    pub fn check(&self) -> Result<(), String> {
        let Self::Allow(entries) = self else {
            return Ok(());
        };
        if entries.len() > MAX_ENTRIES {
            return Err(format!(
                "egress: at most {MAX_ENTRIES} entries, got {}",
                entries.len()
            ));
        }
        for entry in entries {
            entry.net()?;
            if entry.ports.len() > MAX_PORTS {
                return Err(format!(
                    "egress: at most {MAX_PORTS} ports per entry, got {} for {}",
                    entry.ports.len(),
                    entry.cidr
                ));
            }
            if entry.ports.contains(&0) {
                return Err(format!(
                    "egress: port 0 is not a port (entry {}); leave ports out for every port",
                    entry.cidr
                ));
            }
        }
        Ok(())
    }
}

impl Serialize for EgressPolicy {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Public => serializer.serialize_str("public"),
            Self::None => serializer.serialize_str("none"),
            Self::Allow(entries) => entries.serialize(serializer),
        }
    }
}

impl<'de> Deserialize<'de> for EgressPolicy {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let expected = r#"egress: expected "public", "none" or a list of {"cidr", "ports"}"#;
        match serde_json::Value::deserialize(deserializer)? {
            serde_json::Value::String(word) if word == "public" => Ok(Self::Public),
            serde_json::Value::String(word) if word == "none" => Ok(Self::None),
            list @ serde_json::Value::Array(_) => serde_json::from_value(list)
                .map(Self::Allow)
                .map_err(|err| D::Error::custom(format!("{expected}: {err}"))),
            other => Err(D::Error::custom(format!("{expected}, got {other}"))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<EgressPolicy, serde_json::Error> {
        serde_json::from_str(text)
    }

    #[test]
    fn the_three_forms_round_trip() {
        for text in [
            r#""public""#,
            r#""none""#,
            r#"[{"cidr":"203.0.113.0/24","ports":[443,8080]},{"cidr":"2001:db8::/32","ports":[]}]"#,
        ] {
            let policy = parse(text).unwrap();
            assert!(policy.check().is_ok(), "{text}");
            assert_eq!(serde_json::to_string(&policy).unwrap(), text);
        }
    }

    #[test]
    fn malformed_policies_are_named_in_the_error() {
        assert!(parse(r#""open""#)
            .unwrap_err()
            .to_string()
            .contains("public"));
        assert!(parse(r#"[{"cidr":"1.2.3.0/24","ports":[70000]}]"#).is_err());
        assert!(parse(r#"[{"net":"1.2.3.0/24"}]"#).is_err());
        let check = |text: &str| parse(text).unwrap().check().unwrap_err();
        assert!(check(r#"[{"cidr":"10.0.0.1/8"}]"#).contains("10.0.0.0/8"));
        assert!(check(r#"[{"cidr":"10.0.0.0/33"}]"#).contains("not an address"));
        assert!(check(r#"[{"cidr":"1.2.3.4","ports":[0]}]"#).contains("port 0"));
    }

    #[test]
    fn a_bare_address_is_a_single_host() {
        let entry = Allowed {
            cidr: "203.0.113.10".into(),
            ports: vec![],
        };
        assert_eq!(entry.net().unwrap().to_string(), "203.0.113.10/32");
    }
}
