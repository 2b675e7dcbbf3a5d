//! Nodes: the Docker engines environments run on. Each sandboxd process that runs workers
//! beside an engine registers it (named, labelled, with its capacity and version) and keeps
//! its heartbeat fresh; Postgres holds the list, and a node that stops beating is shown down.

mod admin;
mod fleet;
mod pools;

pub use admin::NodeError;
pub use fleet::{Fleet, FleetError};
pub use pools::{NewPoolRequest, PoolError, PoolResize};

use std::sync::Arc;

use sqlx::PgPool;
use tokio_util::sync::CancellationToken;

use crate::config::Settings;
use crate::db;
use crate::db::nodes::NewNode;
use crate::model::Node;
use crate::provisioning::catalogue::Catalogue;
use crate::runtime::Runtime;

/// The default shape: image, role and tier.
const DEFAULT_POOL: (&str, &str, &str) = ("debian:bookworm", "barebone", "free");

#[derive(Clone)]
pub struct Nodes {
    pool: PgPool,
    runtime: Runtime,
    settings: Arc<Settings>,
    /// What warm pools may hold.
    catalogue: Arc<Catalogue>,
}

impl Nodes {
    pub fn new(
        pool: PgPool,
        runtime: Runtime,
        settings: Arc<Settings>,
        catalogue: Arc<Catalogue>,
    ) -> Self {
        Self {
            pool,
            runtime,
            settings,
            catalogue,
        }
    }

    /// Every node, with its state.
    pub async fn list(&self) -> Result<Vec<Node>, sqlx::Error> {
        db::nodes::list(&self.pool, self.settings.node.down_after).await
    }

    /// Keeps this process's node registered and its heartbeat fresh until `stop`;
    /// `registered` when [`Self::register`] already succeeded. A node whose engine or
    /// database cannot be reached registers once they can be.
    pub async fn keep_registered(self, mut registered: bool, stop: CancellationToken) {
        let mut every = tokio::time::interval(self.settings.node.heartbeat_every);
        every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                _ = stop.cancelled() => return,
                _ = every.tick() => {}
            }
            registered = match registered {
                true => self.heartbeat().await,
                false => self.register().await,
            };
        }
    }

    /// The default shape's warm pool (`make run`'s first create takes a ready environment),
    /// given once: a pool an admin removed or resized stays as they left it.
    async fn seed_pool(&self) {
        let node = &self.settings.node;
        let seeded = db::pools::seed(
            &self.pool,
            db::pools::NewPool {
                id: uuid::Uuid::new_v4(),
                node: &node.name,
                image: DEFAULT_POOL.0,
                role: DEFAULT_POOL.1,
                tier: DEFAULT_POOL.2,
                size: node.default_pool_size,
            },
        )
        .await;
        if let Err(err) = seeded {
            tracing::warn!(error = %err, "the default warm pool was not made");
        }
    }

    /// A one-machine deployment's environments from before nodes existed are this node's.
    pub async fn adopt(&self) {
        match db::nodes::adopt(&self.pool, &self.settings.node.name).await {
            Ok(0) => {}
            Ok(count) => tracing::info!(count, "environments from before nodes given to this node"),
            Err(err) => tracing::warn!(error = %err, "older environments not given to this node"),
        }
    }

    /// False when the node is no longer registered, so the next round registers it again.
    /// A node is its engine: while the engine does not answer, no heartbeat is sent, so the
    /// node turns down even though this process lives.
    async fn heartbeat(&self) -> bool {
        if let Err(err) = self.runtime.ping().await {
            tracing::warn!(error = %err, "no node heartbeat: its engine does not answer");
            return true;
        }
        db::nodes::heartbeat(&self.pool, &self.settings.node.name)
            .await
            .unwrap_or_else(|err| {
                tracing::warn!(error = %err, "node heartbeat not recorded");
                true
            })
    }

    /// Registers this process's node (again): name, engine, labels, capacity, version.
    pub async fn register(&self) -> bool {
        let node = &self.settings.node;
        let capacity = match self.runtime.capacity().await {
            Ok(capacity) => capacity,
            Err(err) => {
                tracing::warn!(error = %err, "node not registered yet: its engine does not answer");
                return false;
            }
        };
        let labels = serde_json::to_value(&node.labels).unwrap_or_default();
        let registered = db::nodes::register(
            &self.pool,
            NewNode {
                name: &node.name,
                engine: &self.settings.docker_host,
                labels: &labels,
                cpus: i32::try_from(capacity.cpus).unwrap_or(i32::MAX),
                memory_mb: capacity.memory_bytes / (1024 * 1024),
                version: env!("CARGO_PKG_VERSION"),
                cpu_overcommit: node.cpu_overcommit as f32,
                memory_overcommit: node.memory_overcommit as f32,
                disk_mb: capacity
                    .disk_bytes
                    .map(|bytes| (bytes / (1024 * 1024)) as i64),
            },
        )
        .await;
        match registered {
            Ok(()) => {
                tracing::info!(node = %node.name, "node registered");
                self.seed_pool().await;
                true
            }
            Err(err) => {
                tracing::warn!(error = %err, "node not registered yet");
                false
            }
        }
    }
}
