//! What a tier allows, and a user's own overrides of it. The admin API edits these exactly as
//! they are kept, so the API shows them as they are.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::egress::EgressPolicy;
use super::IdleAction;

/// A tier's limits. Resources are given as min/default/max; `None` means unlimited.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema, sqlx::FromRow)]
pub struct Tier {
    pub name: String,
    pub max_containers: i32,
    pub memory_mb_min: i32,
    pub memory_mb_default: i32,
    pub memory_mb_max: i32,
    pub cpu_millicores_min: i32,
    pub cpu_millicores_default: i32,
    pub cpu_millicores_max: i32,
    pub disk_mb_min: i32,
    pub disk_mb_default: i32,
    pub disk_mb_max: i32,
    pub session_limit_seconds: Option<i32>,
    pub idle_timeout_seconds: Option<i32>,
    pub allowed_images: Option<Vec<String>>,
    /// Where the tier's environments may open connections; a change reaches running ones
    /// within seconds.
    #[serde(default)]
    #[sqlx(json)]
    #[schema(value_type = super::egress::EgressSchema)]
    pub egress: EgressPolicy,
    /// What the tier's users may name in a create's `node`: `_any`, labels `key:value`
    /// and hostnames. Admins may name any node.
    #[serde(default = "any_node")]
    #[schema(example = json!(["_any", "pool:fast"]))]
    pub node_targets: Vec<String>,
    /// What idle housekeeping does once `idle_timeout_seconds` pass without activity:
    /// `stop` (the default) or `pause`.
    #[serde(default)]
    #[schema(value_type = String, example = "pause")]
    pub idle_action: IdleAction,
    /// How many snapshots each user of the tier may keep.
    #[serde(default = "snapshots_max")]
    pub snapshots_max: i32,
    /// How much image, in MB, a user's snapshots may hold together.
    #[serde(default = "snapshot_storage_mb_max")]
    pub snapshot_storage_mb_max: i32,
}

fn any_node() -> Vec<String> {
    vec!["_any".to_string()]
}

/// A tier made or edited without the snapshot quotas gets the migration's column defaults.
fn snapshots_max() -> i32 {
    5
}

fn snapshot_storage_mb_max() -> i32 {
    5120
}

/// A user's own limits; each absent one is the tier's.
#[derive(Clone, Debug, Default, Serialize, Deserialize, ToSchema, sqlx::FromRow)]
#[serde(default)]
pub struct LimitOverrides {
    pub max_containers: Option<i32>,
    pub memory_mb_min: Option<i32>,
    pub memory_mb_default: Option<i32>,
    pub memory_mb_max: Option<i32>,
    pub cpu_millicores_min: Option<i32>,
    pub cpu_millicores_default: Option<i32>,
    pub cpu_millicores_max: Option<i32>,
    pub disk_mb_min: Option<i32>,
    pub disk_mb_default: Option<i32>,
    pub disk_mb_max: Option<i32>,
    pub session_limit_seconds: Option<i32>,
    pub idle_timeout_seconds: Option<i32>,
    pub allowed_images: Option<Vec<String>>,
}

impl Tier {
    /// The tier with a user's overrides on top, as `sql/tiers/for_user.sql` computes it.
    pub fn with_overrides(self, o: &LimitOverrides) -> Tier {
        Tier {
            max_containers: o.max_containers.unwrap_or(self.max_containers),
            memory_mb_min: o.memory_mb_min.unwrap_or(self.memory_mb_min),
            memory_mb_default: o.memory_mb_default.unwrap_or(self.memory_mb_default),
            memory_mb_max: o.memory_mb_max.unwrap_or(self.memory_mb_max),
            cpu_millicores_min: o.cpu_millicores_min.unwrap_or(self.cpu_millicores_min),
            cpu_millicores_default: o
                .cpu_millicores_default
                .unwrap_or(self.cpu_millicores_default),
            cpu_millicores_max: o.cpu_millicores_max.unwrap_or(self.cpu_millicores_max),
            disk_mb_min: o.disk_mb_min.unwrap_or(self.disk_mb_min),
            disk_mb_default: o.disk_mb_default.unwrap_or(self.disk_mb_default),
            disk_mb_max: o.disk_mb_max.unwrap_or(self.disk_mb_max),
            session_limit_seconds: o.session_limit_seconds.or(self.session_limit_seconds),
            idle_timeout_seconds: o.idle_timeout_seconds.or(self.idle_timeout_seconds),
            allowed_images: o.allowed_images.clone().or(self.allowed_images),
            egress: self.egress,
            node_targets: self.node_targets,
            idle_action: self.idle_action,
            snapshots_max: self.snapshots_max,
            snapshot_storage_mb_max: self.snapshot_storage_mb_max,
            name: self.name,
        }
    }
}
