//! A node: one Docker engine sandboxd runs environments on, as the admin sees it.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Clone, Debug, Serialize, ToSchema, sqlx::FromRow)]
pub struct Node {
    #[schema(example = "build-1")]
    pub name: String,
    /// How sandboxd reaches its engine.
    #[schema(example = "unix:///run/sandboxd/docker.sock")]
    pub engine: String,
    /// `key: value` labels work can be addressed by.
    #[schema(value_type = Object, example = json!({"pool": "fast"}))]
    pub labels: serde_json::Value,
    /// Whether an admin set the labels: then they stay when the node registers again,
    /// instead of being replaced by its settings'.
    pub labels_by_admin: bool,
    pub cpus: i32,
    pub memory_mb: i64,
    /// The size of the filesystem its engine keeps containers on; null when unknown.
    pub disk_mb: Option<i64>,
    /// The sandboxd version beside the engine.
    pub version: String,
    /// `active`, `draining` (takes no new environments) or `down` (missed its heartbeats).
    #[schema(example = "active")]
    pub state: String,
    /// Takes no new environments; shown even while the node is down.
    pub draining: bool,
    /// How far its CPUs may be promised beyond what it has.
    #[schema(example = 16.0)]
    pub cpu_overcommit: f32,
    #[schema(example = 2.0)]
    pub memory_overcommit: f32,
    /// What placement may promise: CPUs × 1000 × `cpu_overcommit`.
    pub cpu_capacity_millicores: i64,
    /// `memory_mb` × `memory_overcommit`.
    pub memory_capacity_mb: i64,
    /// What its environments being made or running hold.
    pub cpu_reserved_millicores: i64,
    pub memory_reserved_mb: i64,
    /// Environments on it, stopped ones included, failed and deleting ones not.
    pub environments: i64,
    pub registered_at: DateTime<Utc>,
    pub heartbeat_at: DateTime<Utc>,
}

/// An admin's change to a node; what is left out stays as it is.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NodeChanges {
    /// Replaces every label. Kept from then on when the node registers again.
    #[schema(example = json!({"pool": "fast"}))]
    pub labels: Option<BTreeMap<String, String>>,
    /// Above 0, at most 1000.
    #[schema(example = 8.0)]
    pub cpu_overcommit: Option<f64>,
    #[schema(example = 1.5)]
    pub memory_overcommit: Option<f64>,
}

/// Node names are hostnames (RFC 1123): dot-separated labels of letters, digits and
/// hyphens, not starting or ending with a hyphen.
pub fn is_hostname(name: &str) -> bool {
    (1..=253).contains(&name.len())
        && name.split('.').all(|label| {
            (1..=63).contains(&label.len())
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        })
}
