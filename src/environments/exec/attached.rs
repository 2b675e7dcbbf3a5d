//! Commands attached to their caller while they run (the SSH edge's `ssh ENV CMD`): input
//! streamed in, output streamed out as it comes, the exit code at the end. Unlike jobs,
//! nothing is recorded and no output is capped: the caller reads it as it is printed. Each
//! records its pid (attach.sh), so a caller that goes away can have it killed.

use super::{Exec, ATTACH};
use crate::environments::error::{EnvironmentError, Result};
use crate::model::engine_names::container_name;
use crate::model::{Environment, Status};
use crate::runtime::{ProcessOutputs, ProcessSpec, Runtime, TtyInput};

/// A command running in an environment, attached to its caller.
pub struct Attached {
    pub output: ProcessOutputs,
    pub input: TtyInput,
    pub control: Control,
}

/// What may be asked of a running command besides its input: shared by the tasks that
/// move its bytes.
#[derive(Clone)]
pub struct Control {
    exec_id: String,
    runtime: Runtime,
    container: String,
    /// What attach.sh recorded its pid under, for a kill.
    key: String,
}

impl Control {
    /// The command's exit code once its output has ended; `None` when the engine lost it.
    pub async fn exit_code(&self) -> Option<i64> {
        self.runtime
            .exec_exit_code(&self.exec_id)
            .await
            .ok()
            .flatten()
    }

    /// Ends the command, as when its caller goes away before it does.
    pub async fn kill(&self) {
        super::kill(&self.runtime, &self.container, &self.key).await;
    }

    /// Resizes the command's TTY, when it runs on one.
    pub async fn resize(&self, cols: u16, rows: u16) {
        if let Err(err) = self.runtime.resize_tty(&self.exec_id, cols, rows).await {
            tracing::debug!(error = %err, "resizing an attached command failed");
        }
    }
}

impl Exec {
    /// Starts `spec` in a running environment the caller already found as theirs. The
    /// owner's variables come first, so the caller's own win.
    pub async fn attach(&self, row: &Environment, mut spec: ProcessSpec) -> Result<Attached> {
        if row.status != Status::Running {
            return Err(EnvironmentError::conflict(
                "CONTAINER_NOT_RUNNING",
                format!("the environment is {}, not running", row.status),
            ));
        }
        let runtime = self.shared.fleet.runtime_for(row).await?;
        self.shared.records().touch(row.id).await;
        spec.env = [row.session_vars(), spec.env].concat();
        let key = uuid::Uuid::new_v4().simple().to_string();
        let mut command = ["sh", "-c", ATTACH, "sandboxd-attach", &key]
            .map(String::from)
            .to_vec();
        command.append(&mut spec.command);
        spec.command = command;
        let container = container_name(row.id);
        let process = runtime
            .open_process(&container, spec)
            .await
            .map_err(|err| {
                EnvironmentError::from_engine(&err, "EXEC_FAILED", "the command could not start")
            })?;
        Ok(Attached {
            output: process.output,
            input: process.input,
            control: Control {
                exec_id: process.exec_id,
                runtime,
                container,
                key,
            },
        })
    }
}
