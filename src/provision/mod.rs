//! Environments: accepted by the API, provisioned by workers through the stages
//! validating → pulling → creating → starting → configuring → ready.

pub mod bulk;
pub mod catalogue;
mod configure;
pub mod create;
pub mod env_vars;
pub mod events;
pub mod exec;
pub mod export;
pub mod lifecycle;
pub mod listing;
pub mod logs;
pub mod manage;
pub mod offer;
pub mod request;
#[cfg(test)]
mod request_props;
pub mod shell;
pub mod stages;
pub mod stats;
pub mod view;
pub mod worker;

use std::sync::Arc;

use sqlx::PgPool;
use uuid::Uuid;

use crate::config::Settings;
use crate::events::EventBus;
use crate::queue::JobQueue;
use crate::runtime::Runtime;
use catalogue::Catalogue;

#[derive(Clone)]
pub struct Provisioner {
    pub pool: PgPool,
    pub runtime: Runtime,
    pub queue: JobQueue,
    pub events: EventBus,
    pub catalogue: Arc<Catalogue>,
    pub settings: Arc<Settings>,
    /// Whether the engine has been seen to hold this build's shell scripts.
    pub scripts_made: Arc<tokio::sync::Mutex<bool>>,
    pub listings: Arc<listing::ListingCache>,
}

/// The engine's name for an environment's container: derived from its id, so a retried
/// create finds what an earlier attempt made.
pub fn container_name(id: Uuid) -> String {
    format!("sbx-{id}")
}

/// Each user's environments share a bridge network that no other user's can reach.
pub fn network_name(user_id: Uuid) -> String {
    format!("sbx-net-{}", user_id.simple())
}

pub mod labels {
    pub const MANAGED: &str = "sandboxd.managed";
    pub const INSTANCE: &str = "sandboxd.instance";
    pub const ENVIRONMENT: &str = "sandboxd.environment";
    pub const OWNER: &str = "sandboxd.owner";
    pub const NAME: &str = "sandboxd.name";
    /// On the holder of the shared shell scripts: their version.
    pub const SHELL_SCRIPTS: &str = "sandboxd.shell-scripts";
}
