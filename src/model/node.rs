//! A node: one Docker engine sandboxd runs environments on, as the admin sees it.

use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

#[derive(Clone, Debug, Serialize, ToSchema, sqlx::FromRow)]
pub struct Node {
    #[schema(example = "build-1")]
    pub name: String,
    /// How sandboxd reaches its engine.
    #[schema(example = "unix:///run/sandboxd/docker.sock")]
    pub engine: String,
    /// `key: value` labels work can be addressed by.
    #[schema(value_type = Object)]
    pub labels: serde_json::Value,
    pub cpus: i32,
    pub memory_mb: i64,
    /// The sandboxd version beside the engine.
    pub version: String,
    /// `active`, `draining` (takes no new environments) or `down` (missed its heartbeats).
    #[schema(example = "active")]
    pub state: String,
    pub registered_at: DateTime<Utc>,
    pub heartbeat_at: DateTime<Utc>,
}
