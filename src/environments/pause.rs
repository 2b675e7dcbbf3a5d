//! Pause and resume: an environment's processes frozen and thawed in place by the engine's
//! cgroup freezer, memory kept and CPU freed. Unlike start and stop (202, done in the
//! background), both answer when done: the engine takes some 20-30 ms for either, less than
//! a client would spend polling for the outcome, so the 200 carries the environment as it
//! now is. The outcome goes to the owner's /ws/events too, as `container.pause.*` and
//! `container.resume.*`, like the other lifecycle actions.

use serde_json::json;

use super::error::{EnvironmentError, Result};
use crate::auth::Principal;
use crate::db;
use crate::model::engine_names::container_name;
use crate::model::{Environment, Status};

service!(
    /// Freezing and thawing environments.
    Pausing
);

impl Pausing {
    /// Pauses one of the caller's running environments.
    pub async fn pause(&self, owner: &Principal, reference: &str) -> Result<Environment> {
        let row = self.shared.records().find(owner, reference).await?;
        check_can_pause(&row)?;
        self.freeze(row).await
    }

    /// Resumes one of the caller's paused environments.
    pub async fn resume(&self, owner: &Principal, reference: &str) -> Result<Environment> {
        let row = self.shared.records().find(owner, reference).await?;
        if row.status != Status::Paused {
            return Err(EnvironmentError::conflict(
                "CONTAINER_NOT_PAUSED",
                format!("the environment is {}, not paused", row.status),
            ));
        }
        if row.is_expired() {
            return Err(expired());
        }
        self.thaw(row).await
    }

    /// Resumes the environment if it is paused, and returns it as it then is: what a
    /// terminal, an exec or a file operation does first, since nothing runs in a frozen one.
    pub async fn wake(&self, row: Environment) -> Result<Environment> {
        if row.status != Status::Paused {
            return Ok(row);
        }
        self.thaw(row).await
    }

    /// Pauses a running environment, whoever owns it: for idle housekeeping.
    pub async fn freeze(&self, row: Environment) -> Result<Environment> {
        let runtime = self.shared.fleet.runtime_for(&row).await?;
        let done = runtime.pause_container(&container_name(row.id)).await;
        self.record(row, Step::Pause, done).await
    }

    async fn thaw(&self, row: Environment) -> Result<Environment> {
        let runtime = self.shared.fleet.runtime_for(&row).await?;
        let done = runtime.unpause_container(&container_name(row.id)).await;
        if done.is_ok() {
            // A resume is activity: without it, idle housekeeping would pause it again at
            // once, its last activity being as old as the pause.
            self.shared.records().touch(row.id).await;
        }
        self.record(row, Step::Resume, done).await
    }

    /// Records the new status and tells the owner. The engine acts first: a record that
    /// says paused while the container runs would turn execs away for nothing, and the
    /// reverse is repaired by reconciliation within seconds.
    async fn record(
        &self,
        mut row: Environment,
        step: Step,
        done: Result<(), crate::runtime::RuntimeError>,
    ) -> Result<Environment> {
        let (name, from, to, word) = match step {
            Step::Pause => ("pause", Status::Running, Status::Paused, "paused"),
            Step::Resume => ("resume", Status::Paused, Status::Running, "resumed"),
        };
        let timestamp = chrono::Utc::now().timestamp();
        let outcome = match done {
            Ok(()) => {
                if !db::containers::set_status(&self.shared.pool, row.id, &[from], to).await? {
                    tracing::warn!(container_id = %row.id, "status changed during {name}; left as it is");
                }
                row.status = to;
                tracing::info!(container_id = %row.id, action = name, "lifecycle action done");
                Ok(row)
            }
            Err(err) => {
                tracing::warn!(error = %err, container_id = %row.id, action = name, "lifecycle action failed");
                let (code, message) = match step {
                    Step::Pause => ("CONTAINER_PAUSE_FAILED", "Failed to pause container"),
                    Step::Resume => ("CONTAINER_RESUME_FAILED", "Failed to resume container"),
                };
                Err((row, EnvironmentError::from_engine(&err, code, message)))
            }
        };
        let (row, kind, data) = match &outcome {
            Ok(row) => (
                row,
                format!("container.{name}.completed"),
                json!({"containerId": row.id, "status": word,
                       "message": format!("Container {word} successfully"), "timestamp": timestamp}),
            ),
            Err((row, err)) => (
                row,
                format!("container.{name}.failed"),
                json!({"containerId": row.id, "error": err.code(),
                       "message": format!("Failed to {name} container: {err}"), "timestamp": timestamp}),
            ),
        };
        if let Err(err) = self.shared.events.publish(row.user_id, &kind, &data).await {
            tracing::warn!(error = %err, container_id = %row.id, "could not publish {kind}");
        }
        outcome.map_err(|(_, err)| err)
    }
}

#[derive(Clone, Copy)]
enum Step {
    Pause,
    Resume,
}

fn check_can_pause(row: &Environment) -> Result<()> {
    match row.status {
        Status::Running if row.is_expired() => Err(expired()),
        Status::Running => Ok(()),
        Status::Paused => Err(EnvironmentError::conflict(
            "CONTAINER_ALREADY_PAUSED",
            "Container is already paused",
        )),
        Status::Stopped => Err(EnvironmentError::conflict(
            "CONTAINER_NOT_RUNNING",
            "the environment is stopped; only a running environment can be paused",
        )),
        status => Err(EnvironmentError::conflict(
            "CONTAINER_NOT_READY",
            format!("the environment is {status}; it can be paused once running"),
        )),
    }
}

fn expired() -> EnvironmentError {
    EnvironmentError::conflict(
        "CONTAINER_EXPIRED",
        "the environment reached its session limit; its files can still be exported",
    )
}
