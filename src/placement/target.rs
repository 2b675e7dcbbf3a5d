//! What a create's `node` names, and whether the caller's tier lets them name it.

use std::fmt;

use crate::model::is_hostname;

/// Where an environment may go.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    /// Any node with room: the one with the most.
    Any,
    /// Any node carrying this label.
    Label { key: String, value: String },
    /// That node.
    Node(String),
}

/// A `node` that is neither `_any`, a label nor a hostname.
#[derive(Debug, PartialEq, Eq)]
pub struct InvalidTarget(pub String);

pub const ANY: &str = "_any";
/// OSAPI's word for every node at once: a fan-out, never one environment's place.
pub const ALL: &str = "_all";

impl Target {
    pub fn parse(raw: &str) -> Result<Self, InvalidTarget> {
        let invalid = || InvalidTarget(raw.to_string());
        if raw == ANY {
            return Ok(Self::Any);
        }
        if let Some((key, value)) = raw.split_once(':') {
            let fits = |part: &str| {
                (1..=63).contains(&part.len())
                    && part
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
            };
            return match fits(key) && fits(value) {
                true => Ok(Self::Label {
                    key: key.to_string(),
                    value: value.to_string(),
                }),
                false => Err(invalid()),
            };
        }
        match is_hostname(raw) {
            true => Ok(Self::Node(raw.to_string())),
            false => Err(invalid()),
        }
    }

    /// Whether a tier listing `allowed` lets its users ask for this target.
    pub fn allowed_by(&self, allowed: &[String]) -> bool {
        let spelled = self.to_string();
        allowed.contains(&spelled)
    }
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Any => f.write_str(ANY),
            Self::Label { key, value } => write!(f, "{key}:{value}"),
            Self::Node(name) => f.write_str(name),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_three_forms() {
        assert_eq!(Target::parse("_any"), Ok(Target::Any));
        assert_eq!(
            Target::parse("pool:fast"),
            Ok(Target::Label {
                key: "pool".into(),
                value: "fast".into()
            })
        );
        assert_eq!(
            Target::parse("node-b.example"),
            Ok(Target::Node("node-b.example".into()))
        );
    }

    #[test]
    fn refuses_what_names_no_node() {
        for raw in ["", "_all", "-a", "a b", "pool:", ":fast", "a:b:c", "x/y"] {
            assert!(Target::parse(raw).is_err(), "{raw:?} was accepted");
        }
    }

    #[test]
    fn a_tier_allows_targets_by_their_spelling() {
        let allowed = vec!["_any".to_string(), "pool:fast".to_string()];
        assert!(Target::Any.allowed_by(&allowed));
        assert!(Target::parse("pool:fast").unwrap().allowed_by(&allowed));
        assert!(!Target::parse("pool:slow").unwrap().allowed_by(&allowed));
        assert!(!Target::parse("node-b").unwrap().allowed_by(&allowed));
    }
}
