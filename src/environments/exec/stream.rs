//! Commands whose output reaches the caller as it is printed, for clients that show it live
//! (the CLI's `exec`). Not recorded as jobs: the caller has the output, and it may be any
//! size. The command runs while someone listens: a caller who hangs up has it killed.

use std::time::Duration;

use bytes::Bytes;
use futures_util::StreamExt;
use tokio::sync::mpsc;
use uuid::Uuid;

use super::{validate_command, Exec, ExecRequest, RUN};
use crate::auth::Principal;
use crate::environments::error::{EnvironmentError, Result};
use crate::model::engine_names::container_name;
use crate::runtime::{ProcessOutput, ProcessOutputs, ProcessSpec, Runtime};

/// Longest a streamed command may be given (a day); without a timeout it runs until it ends
/// or its caller leaves.
const MAX_STREAM_TIMEOUT_SECONDS: u64 = 24 * 60 * 60;
/// Chunks buffered for a slow reader before the engine's output waits for it.
const BUFFERED_CHUNKS: usize = 16;

/// What a streamed command sends its caller, in order; `Exit` or `Failed` comes last.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CommandEvent {
    Stdout(Bytes),
    Stderr(Bytes),
    Exit(i64),
    Failed(String),
}

/// A started command's events; dropping it before `Exit` kills the command.
pub struct RunningCommand {
    events: mpsc::Receiver<CommandEvent>,
}

impl RunningCommand {
    pub async fn next(&mut self) -> Option<CommandEvent> {
        self.events.recv().await
    }
}

impl Exec {
    pub async fn stream(
        &self,
        owner: &Principal,
        reference: &str,
        request: ExecRequest,
    ) -> Result<RunningCommand> {
        validate_command(&request)?;
        let timeout = match request.timeout {
            None => None,
            Some(seconds @ 1..=MAX_STREAM_TIMEOUT_SECONDS) => Some(Duration::from_secs(seconds)),
            Some(_) => {
                return Err(EnvironmentError::invalid(
                    "INVALID_TIMEOUT",
                    format!("timeout must be between 1 and {MAX_STREAM_TIMEOUT_SECONDS} seconds"),
                ))
            }
        };
        let row = self.shared.records().find(owner, reference).await?;
        let (row, runtime) = self.ready_to_run(row).await?;
        let container = container_name(row.id);
        let key = Uuid::new_v4().simple().to_string();
        let mut command = ["sh", "-c", RUN, "sandboxd-exec", &key]
            .map(String::from)
            .to_vec();
        command.extend(request.command);
        let spec = ProcessSpec {
            command,
            env: [row.session_vars(), request.env].concat(),
            tty: None,
            working_dir: request.working_dir,
        };
        let started = runtime
            .open_process(&container, spec)
            .await
            .map_err(|err| {
                EnvironmentError::from_engine(&err, "EXEC_FAILED", "the command could not start")
            })?;
        // Its input is closed at once: the command reads end-of-file, as from /dev/null.
        drop(started.input);
        let (sender, events) = mpsc::channel(BUFFERED_CHUNKS);
        let run = Run {
            runtime,
            container,
            key,
            exec_id: started.exec_id,
        };
        tokio::spawn(run.pass_on(started.output, sender, timeout));
        Ok(RunningCommand { events })
    }
}

/// A started command and what is needed to end it early.
struct Run {
    runtime: Runtime,
    container: String,
    /// Names the command's process group inside the environment, for a kill.
    key: String,
    exec_id: String,
}

impl Run {
    async fn pass_on(
        self,
        mut output: ProcessOutputs,
        sender: mpsc::Sender<CommandEvent>,
        timeout: Option<Duration>,
    ) {
        let deadline = async {
            match timeout {
                Some(after) => tokio::time::sleep(after).await,
                None => std::future::pending().await,
            }
        };
        tokio::pin!(deadline);
        loop {
            let chunk = tokio::select! {
                chunk = output.next() => chunk,
                _ = sender.closed() => return self.kill().await,
                _ = &mut deadline => {
                    self.kill().await;
                    let seconds = timeout.unwrap_or_default().as_secs();
                    let message = format!("command timed out after {seconds} s and was killed");
                    let _ = sender.send(CommandEvent::Failed(message)).await;
                    return;
                }
            };
            let event = match chunk {
                Some(Ok(ProcessOutput::Stdout(bytes))) => CommandEvent::Stdout(bytes),
                Some(Ok(ProcessOutput::Stderr(bytes))) => CommandEvent::Stderr(bytes),
                Some(Err(err)) => {
                    tracing::warn!(error = %err, "a streamed command's output broke off");
                    CommandEvent::Failed(err.public_message().to_string())
                }
                None => match self.runtime.exec_exit_code(&self.exec_id).await {
                    Ok(Some(code)) => CommandEvent::Exit(code),
                    Ok(None) => CommandEvent::Failed("the command's exit code is unknown".into()),
                    Err(err) => CommandEvent::Failed(err.public_message().to_string()),
                },
            };
            let last = matches!(event, CommandEvent::Exit(_) | CommandEvent::Failed(_));
            if sender.send(event).await.is_err() {
                return self.kill().await;
            }
            if last {
                return;
            }
        }
    }

    async fn kill(&self) {
        super::kill(&self.runtime, &self.container, &self.key).await;
    }
}
