//! Environments that found no node with room: each waits in `validating`, saying so, and is
//! placed as soon as a node has room (one is freed, added, or undrained), or ends in `error`
//! with `NO_CAPACITY` once it has waited the configured time. Those whose node went down
//! before making anything of them wait here again.

use std::sync::Arc;
use std::time::Duration;

use sqlx::PgPool;
use tokio_util::sync::CancellationToken;

use super::{might_fit, place, Need, Placed, Target};
use crate::broker::events::EventBus;
use crate::broker::queue::JobQueue;
use crate::config::Settings;
use crate::db;
use crate::model::{EnvironmentId, ErrorCode, Stage, Step};
use crate::provisioning::{announce, enqueue};

/// How often waiting environments look for room again.
const EVERY: Duration = Duration::from_secs(1);

/// What a waiting environment's message says.
pub fn message(target: &Target, need: Need) -> String {
    let cores = need.cpu as f64 / 1000.0;
    let nodes = match target {
        Target::Any => "any node".to_string(),
        Target::Label { .. } => format!("a node labelled {target}"),
        Target::Node(name) => format!("node {name}"),
    };
    format!(
        "Waiting for room on {nodes} for {} MB of memory and {cores} CPU",
        need.memory_mb
    )
}

#[derive(Clone)]
pub struct Placer {
    pub pool: PgPool,
    pub queue: JobQueue,
    pub events: EventBus,
    pub settings: Arc<Settings>,
}

impl Placer {
    /// Places waiting environments until `stop`. Every API process runs one; they share
    /// the work row by row.
    pub async fn run(self, stop: CancellationToken) {
        loop {
            tokio::select! {
                _ = stop.cancelled() => return,
                _ = tokio::time::sleep(EVERY) => {}
            }
            if let Err(err) = self.round().await {
                tracing::warn!(error = %err, "placing waiting environments failed");
            }
        }
    }

    async fn round(&self) -> Result<(), sqlx::Error> {
        let down_after = self.settings.node.down_after;
        for id in db::placement::release_from_down_nodes(&self.pool, down_after).await? {
            tracing::info!(container_id = %id, "its node is down: placing it again");
        }
        for id in db::placement::unplaced(&self.pool).await? {
            self.try_place(id).await?;
        }
        Ok(())
    }

    async fn try_place(&self, id: EnvironmentId) -> Result<(), sqlx::Error> {
        let node_settings = &self.settings.node;
        let mut tx = self.pool.begin().await?;
        let Some(waiting) =
            db::placement::lock_unplaced(&mut tx, id, node_settings.placement_patience).await?
        else {
            return Ok(());
        };
        let need = Need {
            memory_mb: waiting.memory_mb.into(),
            cpu: waiting.cpu_millicores.into(),
        };
        let down_after = node_settings.down_after;
        let placed = match Target::parse(&waiting.node_target) {
            Ok(target) if might_fit(&mut tx, &target, need, down_after).await? => {
                place(&mut tx, &target, need, down_after).await?
            }
            _ => Placed::NoRoom,
        };
        match placed {
            Placed::On(node) => {
                let job = db::placement::settle(&mut tx, id, &node).await?;
                tx.commit().await?;
                if let Some(job) = job {
                    enqueue(&self.queue.for_node(&node), job).await;
                }
                self.tell(
                    id,
                    Step::Stage(Stage::Validating),
                    &format!("Placed on {node}"),
                )
                .await
            }
            Placed::NoRoom if waiting.waited_too_long => {
                tx.commit().await?;
                self.give_up(id).await
            }
            Placed::NoRoom => Ok(()),
        }
    }

    async fn give_up(&self, id: EnvironmentId) -> Result<(), sqlx::Error> {
        let message = "No node had room for this environment in time";
        let code = Some(ErrorCode::NoCapacity);
        if db::containers::mark_error(&self.pool, id, message, code).await? {
            db::placement::give_up(&self.pool, id, message).await?;
            tracing::info!(container_id = %id, "no node had room in time");
            self.tell(id, Step::Failed, message).await?;
        }
        Ok(())
    }

    async fn tell(&self, id: EnvironmentId, step: Step, message: &str) -> Result<(), sqlx::Error> {
        if let Some(env) = db::containers::by_id(&self.pool, id).await? {
            announce(&self.events, &env, step, env.progress, message).await;
        }
        Ok(())
    }
}
