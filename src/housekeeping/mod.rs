//! Housekeeping, every few seconds in each process, one process at a time (a Redis lock):
//! expiry warnings and expiry, idle stops, reconciling Postgres with the engine, removing
//! what nothing uses any more (older builds' scripts, the networks of users with no
//! environment, images pulled for custom environments), and pruning rows past their
//! retention.

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
            if self.take_turn().await {
                self.round().await;
            }
        }
    }

    pub async fn round(&self) {
        self.warn_expiring().await;
        self.expire().await;
        self.stop_idle().await;
        self.reconcile().await;
        self.remove_old_scripts().await;
        self.prune().await;
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
    async fn take_turn(&self) -> bool {
        let key = self.kv.key("housekeeping:lock");
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
