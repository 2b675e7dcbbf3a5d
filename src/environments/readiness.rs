//! Bringing an environment to running for someone who connects to it (the SSH edge): a
//! paused one resumes, a stopped one starts, one still being provisioned is waited for, and
//! each step is told to the caller as it happens, so a person sees why the prompt is late.

use std::time::Duration;

use super::error::{EnvironmentError, Result};
use super::lifecycle::{check_state, Action};
use crate::auth::Principal;
use crate::model::{Environment, Status};

/// How long a connection waits for provisioning to finish before giving up.
const PROVISIONING_PATIENCE: Duration = Duration::from_secs(300);
const POLL: Duration = Duration::from_millis(250);
/// The engine's grace for a start is not used (a start does not stop anything), but the
/// lifecycle action takes one.
const START_TIMEOUT_SECONDS: i32 = 10;

service!(
    /// Environments made ready for a connection.
    Readiness
);

impl Readiness {
    /// The caller's environment once it runs; `progress` hears a line per step taken.
    pub async fn running(
        &self,
        owner: &Principal,
        reference: &str,
        mut progress: impl FnMut(String),
    ) -> Result<Environment> {
        let records = self.shared.records();
        let deadline = tokio::time::Instant::now() + PROVISIONING_PATIENCE;
        let mut told_waiting = false;
        loop {
            let row = records.find(owner, reference).await?;
            match row.status {
                Status::Running => return Ok(row),
                Status::Paused => {
                    progress(format!("resuming {} ...", row.name));
                    let row = super::pause::Pausing::new(self.shared.clone())
                        .wake(row)
                        .await?;
                    progress(format!("{} resumed", row.name));
                    return Ok(row);
                }
                Status::Stopped => return self.start(row, &mut progress).await,
                Status::Creating if tokio::time::Instant::now() < deadline => {
                    if !told_waiting {
                        progress(format!(
                            "{} is being provisioned ({}); waiting until it is ready ...",
                            row.name, row.stage
                        ));
                        told_waiting = true;
                    }
                    tokio::time::sleep(POLL).await;
                }
                status => {
                    return Err(EnvironmentError::conflict(
                        "CONTAINER_NOT_RUNNING",
                        format!("the environment is {status}, not running"),
                    ))
                }
            }
        }
    }

    async fn start(
        &self,
        row: Environment,
        progress: &mut impl FnMut(String),
    ) -> Result<Environment> {
        check_state(&row, Action::Start)?;
        let lifecycle = super::Lifecycle::new(self.shared.clone());
        lifecycle.check_room(&row).await?;
        progress(format!("starting {} ...", row.name));
        let name = row.name.clone();
        let id = row.id;
        lifecycle
            .apply(row, Action::Start, START_TIMEOUT_SECONDS)
            .await
            .map_err(|message| EnvironmentError::EngineFailed {
                code: "CONTAINER_START_FAILED",
                message,
            })?;
        let started = self
            .shared
            .records()
            .by_id(id)
            .await?
            .ok_or_else(EnvironmentError::not_found)?;
        progress(format!("{name} started"));
        Ok(started)
    }
}
