//! Housekeeping, every few seconds in each process, one process at a time (a Redis lock):
//! expiry warnings and expiry, idle stops, and pruning rows past their retention, for the
//! whole deployment; and, one process per node, reconciling Postgres with that node's
//! engine and removing what nothing there uses any more (older builds' scripts, the
//! networks of users with no environment, images pulled for custom environments).

mod expiry;
mod idle;
mod images;
mod networks;
mod old_scripts;
mod reconcile;
mod retention;

use std::sync::Arc;
use std::time::Duration;

use tokio_util::sync::CancellationToken;

use crate::broker::events::EventBus;
use crate::broker::kv::Kv;
use crate::metrics::Metrics;
use sqlx::PgPool;

use crate::config::Settings;
use crate::environments::Environments;
use crate::model::engine_names::labels;
use crate::runtime::Runtime;

#[derive(Clone)]
pub struct Housekeeper {
    pub pool: PgPool,
    pub runtime: Runtime,
    pub environments: Environments,
    pub settings: Arc<Settings>,
    pub events: EventBus,
    pub metrics: Arc<Metrics>,
    pub kv: Kv,
    pub every: Duration,
}

impl Housekeeper {
    /// Reconciles at once (a restart may follow a crash), then runs every round until shutdown.
    pub async fn run(self, shutdown: CancellationToken) {
        self.reconcile().await;
        loop {
            tokio::select! {
                _ = shutdown.cancelled() => return,
                _ = tokio::time::sleep(self.every) => {}
            }
            if self.take_turn("housekeeping:lock").await {
                self.deployment_round().await;
            }
            let node = format!("housekeeping:node:{}:lock", self.settings.node.name);
            if self.take_turn(&node).await {
                self.node_round().await;
            }
        }
    }

    /// What concerns every environment, wherever it lives (each is reached through its
    /// node's engine).
    async fn deployment_round(&self) {
        self.warn_expiring().await;
        self.expire().await;
        self.stop_idle().await;
        self.prune().await;
    }

    /// What concerns this process's engine alone.
    async fn node_round(&self) {
        self.reconcile().await;
        self.remove_old_scripts().await;
        self.remove_unused_networks().await;
        self.remove_unused_images().await;
    }

    /// The label filter (`key=value`) of what this instance made in the engine.
    fn instance_label(&self) -> String {
        let prefix = &self.settings.redis_prefix;
        format!("{}={prefix}", labels::INSTANCE)
    }

    /// Counts a repair and logs it.
    fn repaired(&self, kind: &str, detail: &str) {
        self.metrics.repairs.with_label_values(&[kind]).inc();
        tracing::info!(kind, detail, "housekeeping repair");
    }

    /// Whether this process does this round: the lock lapses by itself, so a dead process
    /// never blocks the others. Without Redis every process does the (idempotent) work.
    async fn take_turn(&self, lock: &str) -> bool {
        let key = self.kv.key(lock);
        let hold_ms = self.every.as_millis().max(500) as u64;
        let taken: redis::RedisResult<Option<String>> = async {
            let mut connection = self.kv.connection().await?;
            redis::cmd("SET")
                .arg(&key)
                .arg(std::process::id())
                .arg("NX")
                .arg("PX")
                .arg(hold_ms)
                .query_async(&mut connection)
                .await
        }
        .await;
        taken.map_or(true, |reply| reply.is_some())
    }
}
