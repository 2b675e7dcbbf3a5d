//! OSAPI's routing word: a path's `{hostname}` names one place for one environment (`_any`,
//! a node) or fans out over nodes (`_all`, a label `key:value`), one environment each.

use std::time::Duration;

use sqlx::PgPool;

use super::target::{InvalidTarget, Target, ALL};
use crate::db;
use crate::model::Node;

/// Where an OSAPI request goes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Route {
    /// One environment, placed as a create's `node` would place it.
    One(Target),
    /// Every node the selection matches, each on its own.
    Each(Selection),
}

/// Which nodes a fan-out reaches.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Selection {
    All,
    Label { key: String, value: String },
}

impl Route {
    pub fn parse(raw: &str) -> Result<Self, InvalidTarget> {
        if raw == ALL {
            return Ok(Self::Each(Selection::All));
        }
        Ok(match Target::parse(raw)? {
            Target::Label { key, value } => Self::Each(Selection::Label { key, value }),
            one => Self::One(one),
        })
    }
}

impl Selection {
    /// Whether a node with these labels (a JSON object of strings) is among those selected.
    pub fn matches(&self, labels: &serde_json::Value) -> bool {
        match self {
            Self::All => true,
            Self::Label { key, value } => {
                labels.get(key).and_then(|found| found.as_str()) == Some(value.as_str())
            }
        }
    }
}

/// Every registered node the selection matches, whatever its state, by name: a fan-out
/// reports a node that is down or draining rather than passing over it in silence.
pub async fn nodes(
    pool: &PgPool,
    selection: &Selection,
    down_after: Duration,
) -> Result<Vec<Node>, sqlx::Error> {
    let mut nodes = db::nodes::list(pool, down_after).await?;
    nodes.retain(|node| selection.matches(&node.labels));
    Ok(nodes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reads_one_place_or_a_fan_out() {
        assert_eq!(Route::parse("_any"), Ok(Route::One(Target::Any)));
        assert_eq!(
            Route::parse("node-b"),
            Ok(Route::One(Target::Node("node-b".into())))
        );
        assert_eq!(Route::parse("_all"), Ok(Route::Each(Selection::All)));
        let pool = Selection::Label {
            key: "pool".into(),
            value: "fast".into(),
        };
        assert_eq!(Route::parse("pool:fast"), Ok(Route::Each(pool.clone())));
        assert!(pool.matches(&json!({"pool": "fast"})));
        assert!(!pool.matches(&json!({"pool": "slow"})));
        assert!(!pool.matches(&json!({})));
        assert!(Route::parse("a b").is_err());
    }
}
