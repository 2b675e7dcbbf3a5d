//! The configuring stage's two halves: the shared scripts every environment mounts, made once
//! per engine, and the wait for an environment's first process to report that it applied them.

use std::sync::atomic::Ordering;
use std::time::Duration;

use futures_util::StreamExt;

use super::stages::StageError;
use super::{labels, shell, Provisioner};
use crate::runtime::{RuntimeError, SharedFiles};

/// Long enough for a role's toolchain to be installed from the distribution's mirror.
const CONFIGURE_TIMEOUT: Duration = Duration::from_secs(900);
/// Of an environment's output while it configures, what is kept to explain a failure.
const KEPT_LINES: usize = 20;

impl Provisioner {
    /// The `volumes_from` entry that gives a container the scripts, making their holder first
    /// when this process has not seen it yet.
    pub(crate) async fn scripts_mount(&self) -> Result<String, StageError> {
        let holder = shell::scripts_holder();
        if !self.scripts_ready.load(Ordering::Acquire) {
            let archive = shell::scripts_archive().map_err(|err| {
                StageError::Permanent(format!("building the shell scripts: {err}"))
            })?;
            self.runtime
                .ensure_shared_files(SharedFiles {
                    holder: &holder.container,
                    image: &holder.image,
                    directory: shell::DIRECTORY,
                    archive,
                    labels: [
                        (labels::MANAGED.to_string(), "true".to_string()),
                        (labels::SHELL_SCRIPTS.to_string(), holder.version.clone()),
                    ]
                    .into(),
                })
                .await?;
            self.scripts_ready.store(true, Ordering::Release);
        }
        Ok(format!("{}:ro", holder.container))
    }

    /// Whether `err` says the holder was removed since it was made; if so, the next
    /// `scripts_mount` makes it again.
    pub(super) fn scripts_gone(&self, err: &RuntimeError) -> bool {
        // The engine's wording and status for it vary with its version; the name does not.
        let gone = err.to_string().contains(&shell::scripts_holder().container);
        if gone {
            self.scripts_ready.store(false, Ordering::Release);
        }
        gone
    }

    /// Follows the container's output, from its start, until boot.sh reports configuring done.
    pub(super) async fn wait_configured(&self, container: &str) -> Result<(), StageError> {
        let mut output = self.runtime.logs(container, None, true, false).await?;
        let mut pending = String::new();
        let mut recent: Vec<String> = Vec::new();
        let report = tokio::time::timeout(CONFIGURE_TIMEOUT, async {
            while let Some(chunk) = output.next().await {
                let (_, bytes) = chunk?;
                pending.push_str(&String::from_utf8_lossy(&bytes));
                while let Some(end) = pending.find('\n') {
                    let line: String = pending.drain(..=end).collect();
                    if let Some(status) = shell::configured_status(&line) {
                        return Ok(Some(status));
                    }
                    if recent.len() == KEPT_LINES {
                        recent.remove(0);
                    }
                    recent.push(line.trim().to_string());
                }
            }
            Ok::<_, RuntimeError>(None)
        })
        .await
        .map_err(|_| {
            StageError::Permanent(format!(
                "configuring took longer than {} minutes",
                CONFIGURE_TIMEOUT.as_secs() / 60
            ))
        })??;
        match report {
            Some(0) => Ok(()),
            Some(status) => Err(StageError::Permanent(format!(
                "configuring failed (exit {status}): {}",
                reason(&recent).unwrap_or("no output")
            ))),
            None => Err(StageError::Permanent(format!(
                "the environment stopped while configuring: {}",
                reason(&recent).unwrap_or("does the image have /bin/sh?")
            ))),
        }
    }
}

/// The last thing the environment said: configure.sh's reason, when it gives up.
fn reason(recent: &[String]) -> Option<&str> {
    recent
        .iter()
        .rev()
        .find(|line| !line.is_empty())
        .map(String::as_str)
}
