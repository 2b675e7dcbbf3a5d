//! Environments as the API shows them.

use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::request::Resources;
use std::collections::HashSet;

use crate::model::{Environment, Status};

#[derive(Debug, Serialize, ToSchema)]
pub struct ContainerView {
    /// Stable from creation on; equal to `db_id`.
    pub id: Uuid,
    pub db_id: Uuid,
    /// The engine's id, once the container exists.
    pub docker_id: Option<String>,
    pub user_id: Uuid,
    pub name: String,
    pub image: String,
    pub role: Option<String>,
    /// creating, running, paused, stopped or error; `unavailable` while the node it lives
    /// on is down.
    pub status: String,
    /// validating, pulling, creating, starting, configuring or ready.
    pub stage: String,
    pub progress: i32,
    pub message: Option<String>,
    /// With status `error`, why, as a stable code when one applies: `CAPACITY_EXHAUSTED`
    /// (no room for another environment now), `IMAGE_HAS_VOLUMES` (the image declares
    /// `VOLUME`s), `NO_CAPACITY` (no node had room for it in time).
    #[schema(example = "CAPACITY_EXHAUSTED")]
    pub code: Option<String>,
    /// The node it lives on; null while it waits for a node with room.
    #[schema(example = "node-b")]
    pub node: Option<String>,
    pub resources: Resources,
    #[schema(value_type = Object)]
    pub shell: serde_json::Value,
    /// The variables given at create, `KEY=VALUE`.
    pub env: Vec<String>,
    /// The labels given at create.
    #[schema(value_type = Object)]
    pub labels: serde_json::Value,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub expires_at: Option<DateTime<Utc>>,
    /// Seconds left before the environment expires, for tiers with a session limit.
    pub session_limit_seconds: Option<i64>,
}

impl ContainerView {
    /// As the caller should see it: an environment on a node that is down is `unavailable`
    /// (not deleted, not counted as running) until the node is back.
    pub fn shown(row: Environment, down_nodes: &HashSet<String>) -> Self {
        let unavailable = row
            .node
            .as_ref()
            .is_some_and(|node| down_nodes.contains(node))
            && row.status != Status::Error
            && row.status != Status::Deleting;
        let mut view = Self::from(row);
        if unavailable {
            view.status = "unavailable".into();
        }
        view
    }
}

impl From<Environment> for ContainerView {
    fn from(row: Environment) -> Self {
        let env_vars = row.env_vars();
        Self {
            id: row.id.uuid(),
            db_id: row.id.uuid(),
            docker_id: row.docker_id,
            user_id: row.user_id.uuid(),
            name: row.name,
            image: row.image,
            role: row.role,
            status: row.status.to_string(),
            stage: row.stage.to_string(),
            progress: row.progress,
            message: row.message,
            code: row.error_code,
            node: row.node,
            resources: resources_of_row(row.memory_mb, row.cpu_millicores, row.disk_mb),
            env: env_vars,
            labels: row.labels,
            shell: row.shell,
            created_at: row.created_at,
            updated_at: row.updated_at,
            session_limit_seconds: seconds_left(row.expires_at),
            expires_at: row.expires_at,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct ContainerList {
    pub count: usize,
    pub containers: Vec<ContainerView>,
}

/// The 202 body of a create, as Rexec gives it.
#[derive(Debug, Serialize, ToSchema)]
pub struct CreatedView {
    pub id: Uuid,
    pub db_id: Uuid,
    pub user_id: Uuid,
    pub name: String,
    pub image: String,
    pub role: Option<String>,
    #[schema(example = "creating")]
    pub status: String,
    pub created_at: DateTime<Utc>,
    #[serde(rename = "async")]
    pub is_async: bool,
    pub message: String,
    pub resources: Resources,
    #[schema(value_type = Object)]
    pub labels: serde_json::Value,
    /// The node it was placed on; null when none had room yet (it waits in `validating`).
    pub node: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<DateTime<Utc>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub session_limit_seconds: Option<i64>,
}

impl From<Environment> for CreatedView {
    fn from(row: Environment) -> Self {
        Self {
            id: row.id.uuid(),
            db_id: row.id.uuid(),
            user_id: row.user_id.uuid(),
            name: row.name,
            image: row.image,
            role: row.role,
            status: row.status.to_string(),
            created_at: row.created_at,
            is_async: true,
            message: "Container is being created. This may take a moment if the image needs to be pulled.".into(),
            resources: resources_of_row(row.memory_mb, row.cpu_millicores, row.disk_mb),
            labels: row.labels,
            node: row.node,
            session_limit_seconds: seconds_left(row.expires_at),
            expires_at: row.expires_at,
        }
    }
}

fn resources_of_row(memory_mb: i32, cpu_millicores: i32, disk_mb: i32) -> Resources {
    Resources {
        memory_mb,
        cpu_shares: cpu_millicores,
        disk_mb,
    }
}

fn seconds_left(expires_at: Option<DateTime<Utc>>) -> Option<i64> {
    expires_at.map(|at| (at - Utc::now()).num_seconds().max(0))
}
