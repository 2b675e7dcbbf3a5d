//! Postgres and the engine compared: containers of ours with no record are removed, records
//! whose container vanished become `error`, and states changed behind our back (stopped,
//! started, paused, resumed) are recorded.
//! Only this process's engine is compared, so only the records of its node: another node's
//! environments are not in it, and would all look vanished.

use std::collections::HashMap;
use std::time::Duration;

use uuid::Uuid;

use super::Housekeeper;
use crate::db;
use crate::model::engine_names::labels;

/// Records changed this recently may be mid-operation; they are left for the next round.
const SETTLED_FOR: Duration = Duration::from_secs(5);

impl Housekeeper {
    pub async fn reconcile(&self) {
        let instance = self.instance_label();
        let listed = match self
            .runtime
            .list_labelled(&instance, labels::ENVIRONMENT)
            .await
        {
            Ok(listed) => listed,
            Err(err) => return tracing::debug!(error = %err, "reconcile: engine unreachable"),
        };
        if let Err(err) = self.remove_orphans(&listed).await {
            tracing::warn!(error = %err, "reconcile: orphan check failed");
        }
        let states: HashMap<Uuid, &str> = listed
            .iter()
            .filter_map(|c| Some((c.environment.as_deref()?.parse().ok()?, engine_status(c))))
            .collect();
        if let Err(err) = self.record_drift(&states).await {
            tracing::warn!(error = %err, "reconcile: drift check failed");
        }
    }

    /// Containers labelled as ours whose environment has no record, or lives on another node.
    async fn remove_orphans(&self, listed: &[crate::runtime::Listed]) -> Result<(), sqlx::Error> {
        let ids: Vec<Uuid> = listed
            .iter()
            .filter_map(|c| c.environment.as_deref()?.parse().ok())
            .collect();
        let node = &self.settings.node.name;
        let known = db::housekeeping::known_ids(&self.pool, &ids, node).await?;
        for container in listed {
            let environment = container
                .environment
                .as_deref()
                .and_then(|e| e.parse::<Uuid>().ok());
            if environment.is_some_and(|id| known.contains(&id)) {
                continue;
            }
            match self.runtime.remove_container(&container.id).await {
                Ok(()) => self.repaired("orphan_removed", &container.id),
                Err(err) => tracing::warn!(error = %err, "could not remove an orphan container"),
            }
        }
        Ok(())
    }

    async fn record_drift(&self, states: &HashMap<Uuid, &str>) -> Result<(), sqlx::Error> {
        let pool = &self.pool;
        let (quiet, node) = (SETTLED_FOR.as_secs_f64(), &self.settings.node.name);
        for (id, status) in db::housekeeping::settled(pool, quiet, node).await? {
            let engine = states.get(&id).copied();
            let (to, message, kind) = match (engine, status.as_str()) {
                (None, _) => (
                    "error",
                    "the container vanished from the engine",
                    "vanished",
                ),
                (Some(same), recorded) if same == recorded => continue,
                (Some("stopped"), _) => (
                    "stopped",
                    "the container stopped outside sandboxd",
                    "stopped_outside",
                ),
                (Some("paused"), _) => (
                    "paused",
                    "the container was paused outside sandboxd",
                    "paused_outside",
                ),
                (Some(_), "paused") => (
                    "running",
                    "the container was resumed outside sandboxd",
                    "resumed_outside",
                ),
                (Some(_), _) => (
                    "running",
                    "the container was started outside sandboxd",
                    "started_outside",
                ),
            };
            if db::housekeeping::set_drift(pool, id, &status, to, message).await? {
                self.repaired(kind, &id.to_string());
            }
        }
        Ok(())
    }
}

/// The status the engine's state amounts to.
fn engine_status(container: &crate::runtime::Listed) -> &'static str {
    match (container.running, container.paused) {
        (_, true) => "paused",
        (true, false) => "running",
        (false, false) => "stopped",
    }
}
