//! Nodes as admins manage them: one looked up, its labels and overcommit edited, drained and
//! undrained, and removed once drained and empty.

use std::collections::BTreeMap;

use super::Nodes;
use crate::db;
use crate::db::nodes::NodeEdit;
use crate::model::{Node, NodeChanges};
use crate::placement::Target;

/// Beyond this a ratio promises far more than any engine could honour: a typing mistake.
const MAX_OVERCOMMIT: f64 = 1000.0;
const MAX_LABELS: usize = 64;

#[derive(Debug, thiserror::Error)]
pub enum NodeError {
    #[error("no node is named {0:?}")]
    NotFound(String),
    #[error("{0}")]
    InvalidLabels(String),
    #[error("{0}")]
    InvalidOvercommit(String),
    #[error("node {0:?} is not drained: drain it first, so that nothing is placed on it")]
    NotDrained(String),
    #[error("node {name:?} still holds {count} environment(s): delete them first")]
    NotEmpty { name: String, count: i64 },
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

type Result<T> = std::result::Result<T, NodeError>;

impl Nodes {
    pub async fn get(&self, name: &str) -> Result<Node> {
        db::nodes::get(&self.pool, name, self.settings.node.down_after)
            .await?
            .ok_or_else(|| NodeError::NotFound(name.to_string()))
    }

    /// Applies the changes given; new labels and ratios count for the next placement.
    pub async fn edit(&self, name: &str, changes: NodeChanges) -> Result<Node> {
        if let Some(labels) = &changes.labels {
            check_labels(labels)?;
        }
        let cpu_overcommit = changes
            .cpu_overcommit
            .map(|ratio| checked_ratio("cpu_overcommit", ratio))
            .transpose()?;
        let memory_overcommit = changes
            .memory_overcommit
            .map(|ratio| checked_ratio("memory_overcommit", ratio))
            .transpose()?;
        let labels = changes
            .labels
            .map(|labels| serde_json::to_value(labels).unwrap_or_default());
        let edit = NodeEdit {
            labels: labels.as_ref(),
            cpu_overcommit,
            memory_overcommit,
        };
        if !db::nodes::edit(&self.pool, name, edit).await? {
            return Err(NodeError::NotFound(name.to_string()));
        }
        self.get(name).await
    }

    /// A draining node takes no new environments; those on it stay and keep running.
    pub async fn set_draining(&self, name: &str, draining: bool) -> Result<Node> {
        if !db::nodes::set_draining(&self.pool, name, draining).await? {
            return Err(NodeError::NotFound(name.to_string()));
        }
        self.get(name).await
    }

    /// Removes a drained node that holds no environment. Placement locks a node before it
    /// gives it one, so holding the lock here means none arrives between the check and the
    /// removal. A node whose process still runs registers itself again at its next heartbeat.
    pub async fn remove(&self, name: &str) -> Result<()> {
        let mut tx = self.pool.begin().await?;
        match db::nodes::lock(&mut tx, name).await? {
            None => return Err(NodeError::NotFound(name.to_string())),
            Some(false) => return Err(NodeError::NotDrained(name.to_string())),
            Some(true) => {}
        }
        let count = db::nodes::occupants(&mut tx, name).await?;
        if count > 0 {
            return Err(NodeError::NotEmpty {
                name: name.to_string(),
                count,
            });
        }
        db::nodes::delete(&mut tx, name).await?;
        tx.commit().await?;
        Ok(())
    }
}

/// Labels are what a create's `key:value` target names, so they follow its rules.
fn check_labels(labels: &BTreeMap<String, String>) -> Result<()> {
    if labels.len() > MAX_LABELS {
        return Err(NodeError::InvalidLabels(format!(
            "a node carries at most {MAX_LABELS} labels"
        )));
    }
    for (key, value) in labels {
        let spelled = format!("{key}:{value}");
        let addressable =
            !key.contains(':') && matches!(Target::parse(&spelled), Ok(Target::Label { .. }));
        if !addressable {
            return Err(NodeError::InvalidLabels(format!(
                "label {spelled:?}: keys and values are 1-63 letters, digits, '-', '_' or '.'"
            )));
        }
    }
    Ok(())
}

fn checked_ratio(field: &str, ratio: f64) -> Result<f32> {
    match ratio > 0.0 && ratio <= MAX_OVERCOMMIT {
        true => Ok(ratio as f32),
        false => Err(NodeError::InvalidOvercommit(format!(
            "{field} must be above 0 and at most {MAX_OVERCOMMIT}, got {ratio}"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(key, value)| (key.to_string(), value.to_string()))
            .collect()
    }

    #[test]
    fn labels_follow_the_rules_of_a_label_target() {
        assert!(check_labels(&labels(&[("pool", "fast"), ("zone", "eu-1.a_b")])).is_ok());
        assert!(check_labels(&labels(&[])).is_ok());
        for (key, value) in [
            ("", "x"),
            ("x", ""),
            ("a:b", "c"),
            ("a", "b:c"),
            ("a b", "c"),
        ] {
            assert!(
                check_labels(&labels(&[(key, value)])).is_err(),
                "{key:?}: {value:?} was accepted"
            );
        }
        assert!(check_labels(&labels(&[(&"k".repeat(64), "v")])).is_err());
    }

    #[test]
    fn ratios_are_positive_and_bounded() {
        assert_eq!(checked_ratio("cpu", 1000.0).unwrap(), 1000.0);
        assert_eq!(checked_ratio("cpu", 0.5).unwrap(), 0.5);
        for ratio in [0.0, -1.0, 1000.5, f64::NAN, f64::INFINITY] {
            assert!(checked_ratio("cpu", ratio).is_err(), "{ratio} was accepted");
        }
    }
}
