//! A tier's egress policy as the rules of a bridge's policy chain.

use std::net::IpAddr;

use ipnet::IpNet;

use super::Family;
use crate::model::egress::EgressPolicy;

/// Never public, whatever the policy says `public` means: unspecified, private (RFC 1918),
/// shared (100.64/10), loopback, link-local (the cloud metadata service), IETF protocol
/// assignments, benchmarking, multicast, reserved and broadcast.
const PRIVATE_V4: &[&str] = &[
    "0.0.0.0/8",
    "10.0.0.0/8",
    "100.64.0.0/10",
    "127.0.0.0/8",
    "169.254.0.0/16",
    "172.16.0.0/12",
    "192.0.0.0/24",
    "192.168.0.0/16",
    "198.18.0.0/15",
    "224.0.0.0/4",
    "240.0.0.0/4",
];

/// Unspecified, loopback, IPv4-mapped, discard, link-local, unique-local, multicast.
const PRIVATE_V6: &[&str] = &[
    "::/128",
    "::1/128",
    "::ffff:0:0/96",
    "100::/64",
    "fe80::/10",
    "fc00::/7",
    "ff00::/8",
];

/// What the host adds to a policy.
#[derive(Clone, Debug, Default)]
pub struct Context {
    /// The host's resolvers: the engine's DNS forwards environments' lookups to them from
    /// inside the environment, so they stay reachable on port 53 even when private (a cloud's
    /// resolver usually is).
    pub resolvers: Vec<IpAddr>,
    /// Refused besides the private ranges under `public`: the engine's address pools and the
    /// network of the host's uplink (its neighbours, its router).
    pub refused: Vec<IpNet>,
}

/// The multiport match takes at most 15 ports.
const PORTS_PER_RULE: usize = 15;

fn reject(family: Family) -> &'static str {
    match family {
        Family::V4 => "-j REJECT --reject-with icmp-admin-prohibited",
        Family::V6 => "-j REJECT --reject-with icmp6-adm-prohibited",
    }
}

/// The same rules for a table without REJECT: each refusal drops instead.
pub(super) fn dropping(family: Family, rules: Vec<String>) -> Vec<String> {
    let reject = reject(family);
    rules
        .into_iter()
        .map(|rule| match rule.strip_suffix(reject) {
            Some(head) => format!("{head}-j DROP"),
            None => rule,
        })
        .collect()
}

fn of_family(net: &IpNet, family: Family) -> bool {
    matches!(
        (net, family),
        (IpNet::V4(_), Family::V4) | (IpNet::V6(_), Family::V6)
    )
}

/// The rules of a policy chain, each without its `-A CHAIN ` head. A connection no rule
/// rejects returns to the engine's own rules.
pub(super) fn rules(family: Family, policy: &EgressPolicy, context: &Context) -> Vec<String> {
    let reject = reject(family);
    let mut rules = Vec::new();
    if *policy != EgressPolicy::None {
        for resolver in &context.resolvers {
            let resolver = IpNet::from(*resolver);
            if of_family(&resolver, family) {
                for protocol in ["udp", "tcp"] {
                    rules.push(format!("-d {resolver} -p {protocol} --dport 53 -j RETURN"));
                }
            }
        }
    }
    match policy {
        EgressPolicy::Public => {
            let private = match family {
                Family::V4 => PRIVATE_V4,
                Family::V6 => PRIVATE_V6,
            };
            let private: Vec<IpNet> = private.iter().map(|net| net.parse().unwrap()).collect();
            let extra = context
                .refused
                .iter()
                .filter(|net| of_family(net, family))
                .filter(|net| !private.iter().any(|wider| wider.contains(*net)));
            for net in private.iter().chain(extra) {
                rules.push(format!("-d {net} {reject}"));
            }
        }
        EgressPolicy::None => rules.push(reject.to_string()),
        EgressPolicy::Allow(entries) => {
            for entry in entries {
                // Checked when the tier was saved; a row edited by hand is refused whole.
                let Ok(net) = entry.net() else { continue };
                if !of_family(&net, family) {
                    continue;
                }
                if entry.ports.is_empty() {
                    rules.push(format!("-d {net} -j RETURN"));
                    continue;
                }
                for protocol in ["tcp", "udp"] {
                    for ports in entry.ports.chunks(PORTS_PER_RULE) {
                        let ports: Vec<String> = ports.iter().map(u16::to_string).collect();
                        rules.push(format!(
                            "-d {net} -p {protocol} -m multiport --dports {} -j RETURN",
                            ports.join(",")
                        ));
                    }
                }
            }
            rules.push(reject.to_string());
        }
    }
    rules
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::egress::Allowed;

    fn context() -> Context {
        Context {
            resolvers: vec!["10.255.255.53".parse().unwrap()],
            refused: vec![
                "10.214.0.0/16".parse().unwrap(),
                "192.0.2.0/24".parse().unwrap(),
            ],
        }
    }

    #[test]
    fn the_dropping_rules_refuse_what_the_rejecting_ones_do_and_pass_the_rest() {
        for policy in [EgressPolicy::Public, EgressPolicy::None] {
            let rejecting = rules(Family::V4, &policy, &context());
            let dropping = dropping(Family::V4, rejecting.clone());
            assert_eq!(dropping.len(), rejecting.len());
            for (dropped, rejected) in dropping.iter().zip(&rejecting) {
                match rejected.strip_suffix(reject(Family::V4)) {
                    Some(head) => assert_eq!(dropped, &format!("{head}-j DROP")),
                    None => assert_eq!(dropped, rejected),
                }
            }
            assert!(dropping.iter().all(|rule| !rule.contains("REJECT")));
        }
        let none = dropping(
            Family::V6,
            rules(Family::V6, &EgressPolicy::None, &context()),
        );
        assert_eq!(none, vec!["-j DROP"]);
    }

    #[test]
    fn public_refuses_private_ranges_and_the_hosts_surroundings_but_keeps_dns() {
        let rules = rules(Family::V4, &EgressPolicy::Public, &context());
        assert_eq!(rules[0], "-d 10.255.255.53/32 -p udp --dport 53 -j RETURN");
        let refused: Vec<&str> = rules[2..]
            .iter()
            .map(|rule| rule.split_whitespace().nth(1).unwrap())
            .collect();
        for net in [
            "169.254.0.0/16",
            "10.0.0.0/8",
            "224.0.0.0/4",
            "192.0.2.0/24",
        ] {
            assert!(refused.contains(&net), "{net} in {refused:?}");
        }
        assert!(!refused.contains(&"10.214.0.0/16"), "inside 10/8 already");
        assert!(!refused.contains(&"203.0.113.0/24"));
    }

    #[test]
    fn none_refuses_everything_and_an_allow_list_all_but_its_entries() {
        assert_eq!(
            rules(Family::V4, &EgressPolicy::None, &context()),
            vec![reject(Family::V4)]
        );
        let policy = EgressPolicy::Allow(vec![
            Allowed {
                cidr: "203.0.113.0/24".into(),
                ports: vec![443],
            },
            Allowed {
                cidr: "2001:db8::/32".into(),
                ports: vec![],
            },
        ]);
        let v4 = rules(Family::V4, &policy, &context());
        assert_eq!(
            v4[2],
            "-d 203.0.113.0/24 -p tcp -m multiport --dports 443 -j RETURN"
        );
        assert_eq!(v4.last().unwrap(), reject(Family::V4));
        let v6 = rules(Family::V6, &policy, &context());
        assert_eq!(v6, vec!["-d 2001:db8::/32 -j RETURN", reject(Family::V6)]);
    }
}
