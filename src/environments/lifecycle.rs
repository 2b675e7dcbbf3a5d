//! Start, stop and restart: accepted at once (202), done in the background, and reported to
//! the owner's /ws/events as `container.<action>.completed` or `.failed`.

use serde::Serialize;
use serde_json::json;
use utoipa::ToSchema;

use super::error::{EnvironmentError, Result};
use crate::auth::Principal;
use crate::db;
use crate::model::engine_names::container_name;
use crate::model::{Environment, Status};
use crate::placement::{self, Need};

pub const DEFAULT_STOP_TIMEOUT: i32 = 10;
const TIMEOUT_RANGE: std::ops::RangeInclusive<i32> = 1..=300;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Start,
    Stop,
    Restart,
}

impl Action {
    pub fn parse(name: &str) -> Result<Self> {
        match name {
            "start" => Ok(Action::Start),
            "stop" => Ok(Action::Stop),
            "restart" => Ok(Action::Restart),
            _ => Err(EnvironmentError::invalid(
                "INVALID_ACTION",
                "Action must be start, stop, or restart",
            )),
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Action::Start => "start",
            Action::Stop => "stop",
            Action::Restart => "restart",
        }
    }

    /// The word the Nekzus notifications use for the finished state.
    fn done(self) -> &'static str {
        match self {
            Action::Start => "started",
            Action::Stop => "stopped",
            Action::Restart => "restarted",
        }
    }

    fn failure_code(self) -> &'static str {
        match self {
            Action::Start => "CONTAINER_START_FAILED",
            Action::Stop => "CONTAINER_STOP_FAILED",
            Action::Restart => "CONTAINER_RESTART_FAILED",
        }
    }
}

/// The 202 body.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Accepted {
    pub status: &'static str,
    pub container_id: String,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timeout: Option<i32>,
    pub timestamp: i64,
}

/// The grace period for stop and restart: 1-300 seconds, 10 by default.
pub fn stop_timeout(requested: Option<i32>) -> Result<i32> {
    match requested {
        None => Ok(DEFAULT_STOP_TIMEOUT),
        Some(seconds) if TIMEOUT_RANGE.contains(&seconds) => Ok(seconds),
        Some(_) => Err(EnvironmentError::invalid(
            "INVALID_TIMEOUT",
            "Timeout must be between 1 and 300 seconds",
        )),
    }
}

service!(
    /// Start, stop and restart.
    Lifecycle
);

impl Lifecycle {
    pub async fn power(
        &self,
        owner: &Principal,
        reference: &str,
        action: Action,
        timeout: i32,
    ) -> Result<Accepted> {
        let row = self.shared.records().find(owner, reference).await?;
        check_state(&row, action)?;
        if action == Action::Start && row.status == Status::Stopped {
            self.check_room(&row).await?;
        }
        let lifecycle = self.clone();
        let background = row.clone();
        tokio::spawn(async move {
            let _ = lifecycle.apply(background, action, timeout).await;
        });
        Ok(Accepted {
            status: "accepted",
            container_id: row.id.to_string(),
            message: format!("Container {} initiated", action.name()),
            timeout: (action != Action::Start).then_some(timeout),
            timestamp: chrono::Utc::now().timestamp(),
        })
    }

    /// A stopped environment reserves nothing on its node, so starting it again asks for
    /// room there as a create would; without it the start is refused rather than crowding
    /// the node's other environments. The check takes no lock: two starts at once may both
    /// pass, by one environment's worth.
    pub(super) async fn check_room(&self, row: &Environment) -> Result<()> {
        let Some(node) = &row.node else {
            return Ok(());
        };
        let need = Need {
            memory_mb: row.memory_mb.into(),
            cpu: row.cpu_millicores.into(),
        };
        let down_after = self.shared.settings.node.down_after;
        let mut conn = self.shared.pool.acquire().await?;
        match placement::room_to_start(&mut conn, node, need, down_after).await? {
            true => Ok(()),
            false => Err(EnvironmentError::conflict(
                "NO_CAPACITY",
                format!("node {node} has no room to start this environment now; try again later"),
            )),
        }
    }

    /// Does `action` now and reports it on /ws/events as well; the error is for a caller
    /// that reports results itself (bulk operations).
    pub async fn apply(
        &self,
        row: Environment,
        action: Action,
        timeout: i32,
    ) -> Result<(), String> {
        let name = container_name(row.id);
        let done = async {
            let runtime = self.shared.fleet.runtime_for(&row).await?;
            match action {
                Action::Start => runtime.start_container(&name).await,
                Action::Stop => runtime.stop_container(&name, timeout).await,
                Action::Restart => runtime.restart_container(&name, timeout).await,
            }
        }
        .await;
        let kind = format!(
            "container.{}.{}",
            action.name(),
            if done.is_ok() { "completed" } else { "failed" }
        );
        let timestamp = chrono::Utc::now().timestamp();
        let data = match &done {
            Ok(()) => {
                // The engine stops and restarts a paused container as it does a running
                // one (a restart comes back unpaused).
                let (from, to) = match action {
                    Action::Stop => (&[Status::Running, Status::Paused][..], Status::Stopped),
                    _ => (
                        &[Status::Stopped, Status::Running, Status::Paused][..],
                        Status::Running,
                    ),
                };
                if action != Action::Stop {
                    // A fresh start gets a whole idle period.
                    self.shared.records().touch(row.id).await;
                }
                if let Err(err) =
                    db::containers::set_status(&self.shared.pool, row.id, from, to).await
                {
                    tracing::warn!(error = %err, container_id = %row.id, "could not record {to}");
                }
                tracing::info!(container_id = %row.id, action = action.name(), "lifecycle action done");
                json!({"containerId": row.id, "status": action.done(),
                       "message": format!("Container {} successfully", action.done()),
                       "timestamp": timestamp})
            }
            Err(err) => {
                tracing::warn!(error = %err, container_id = %row.id, action = action.name(), "lifecycle action failed");
                json!({"containerId": row.id, "error": action.failure_code(),
                       "message": format!("Failed to {} container: {}", action.name(), err.public_message()),
                       "timestamp": timestamp})
            }
        };
        if let Err(err) = self.shared.events.publish(row.user_id, &kind, &data).await {
            tracing::warn!(error = %err, container_id = %row.id, "could not publish {kind}");
        }
        done.map_err(|err| err.public_message().to_string())
    }
}

pub(super) fn check_state(row: &Environment, action: Action) -> Result<()> {
    if row.is_expired() && action != Action::Stop {
        return Err(EnvironmentError::conflict(
            "CONTAINER_EXPIRED",
            "the environment reached its session limit; its files can still be exported",
        ));
    }
    match (row.status.as_str(), action) {
        ("running", Action::Start) => Err(EnvironmentError::conflict(
            "CONTAINER_ALREADY_STARTED",
            "Container is already running",
        )),
        ("stopped", Action::Stop) => Err(EnvironmentError::conflict(
            "CONTAINER_ALREADY_STOPPED",
            "Container is already stopped",
        )),
        ("paused", Action::Start) => Err(EnvironmentError::conflict(
            "CONTAINER_ALREADY_STARTED",
            "Container is paused; resume it instead",
        )),
        ("running" | "paused" | "stopped", _) => Ok(()),
        (status, _) => Err(EnvironmentError::conflict(
            "CONTAINER_NOT_READY",
            format!("the environment is {status}; it can be started or stopped once provisioned"),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stop_timeouts_outside_one_to_three_hundred_seconds_are_refused() {
        assert_eq!(stop_timeout(None).unwrap(), 10);
        assert_eq!(stop_timeout(Some(300)).unwrap(), 300);
        assert!(stop_timeout(Some(0)).is_err());
        assert!(stop_timeout(Some(301)).is_err());
    }
}
