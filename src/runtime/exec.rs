use std::time::Duration;

use bollard::container::LogOutput;
use bollard::exec::{CreateExecOptions, StartExecResults};
use futures_util::StreamExt;

use super::{freezing, Runtime, RuntimeError};

#[derive(Debug, Default)]
pub struct ExecOutput {
    pub exit_code: i64,
    pub stdout: String,
    pub stderr: String,
    /// Whether output beyond the cap was dropped.
    pub stdout_truncated: bool,
    pub stderr_truncated: bool,
}

/// A command to run to completion.
#[derive(Debug, Clone)]
pub struct ExecSpec {
    pub command: Vec<String>,
    pub env: Vec<String>,
    pub working_dir: Option<String>,
    /// Bytes kept of each of stdout and stderr; the rest is read and dropped.
    pub output_cap: usize,
}

/// What provisioning and housekeeping commands may print.
const INTERNAL_OUTPUT_CAP: usize = 1024 * 1024;

impl Runtime {
    /// Runs `command` in the container and returns its output and exit code, or an error
    /// once `timeout` passes (the command itself is left running).
    pub async fn exec(
        &self,
        container: &str,
        command: Vec<String>,
        env: Vec<String>,
        timeout: Duration,
    ) -> Result<ExecOutput, RuntimeError> {
        let spec = ExecSpec {
            command,
            env,
            working_dir: None,
            output_cap: INTERNAL_OUTPUT_CAP,
        };
        tokio::time::timeout(timeout, self.run(container, &spec))
            .await
            .map_err(|_| {
                RuntimeError::Rejected(format!("command did not finish within {timeout:?}"))
            })?
    }

    /// Runs a command to completion, keeping at most `output_cap` bytes of each stream.
    pub async fn run(&self, container: &str, spec: &ExecSpec) -> Result<ExecOutput, RuntimeError> {
        let docker = self.client().await?;
        let starting = self.freezes.starting(container).await;
        let created = docker
            .create_exec(
                container,
                CreateExecOptions {
                    cmd: Some(spec.command.clone()),
                    env: Some(spec.env.clone()),
                    working_dir: spec.working_dir.clone(),
                    attach_stdout: Some(true),
                    attach_stderr: Some(true),
                    ..Default::default()
                },
            )
            .await?;
        let mut output = ExecOutput::default();
        let start = docker.start_exec(&created.id, None).await?;
        freezing::started(&docker, &created.id).await?;
        drop(starting);
        if let StartExecResults::Attached {
            output: mut stream, ..
        } = start
        {
            while let Some(chunk) = stream.next().await {
                match chunk? {
                    LogOutput::StdOut { message } => {
                        output.stdout_truncated |=
                            append(&mut output.stdout, &message, spec.output_cap)
                    }
                    LogOutput::StdErr { message } => {
                        output.stderr_truncated |=
                            append(&mut output.stderr, &message, spec.output_cap)
                    }
                    _ => {}
                }
            }
        }
        let inspected = docker.inspect_exec(&created.id).await?;
        output.exit_code = inspected.exit_code.unwrap_or(-1);
        Ok(output)
    }
}

/// Appends what fits under `cap`; true when something had to be dropped.
pub(super) fn append(buffer: &mut String, bytes: &[u8], cap: usize) -> bool {
    let room = cap.saturating_sub(buffer.len());
    let kept = &bytes[..bytes.len().min(room)];
    buffer.push_str(&String::from_utf8_lossy(kept));
    kept.len() < bytes.len()
}
