//! A command attached both ways, without a TTY unless asked for: stdin fed as it comes,
//! stdout and stderr kept apart, the exit code read when it ends. What `ssh ENV CMD` (and
//! every tool that drives a remote shell through it, such as an editor's remote server) needs.

use std::pin::Pin;

use bollard::container::LogOutput;
use bollard::exec::{CreateExecOptions, StartExecOptions, StartExecResults};
use bytes::Bytes;
use futures_util::{Stream, StreamExt};

use super::{freezing, Runtime, RuntimeError, TtyInput};

const READ_CAPACITY: usize = 32 * 1024;

/// A chunk of what an attached process printed.
pub enum ProcessOutput {
    Stdout(Bytes),
    Stderr(Bytes),
}

pub type ProcessOutputs = Pin<Box<dyn Stream<Item = Result<ProcessOutput, RuntimeError>> + Send>>;

/// A running command: its exec id (for its exit code and resizes), its output, its stdin.
pub struct Process {
    pub exec_id: String,
    pub output: ProcessOutputs,
    pub input: TtyInput,
}

/// What to run, as whom it runs and in which terminal, if any.
pub struct ProcessSpec {
    pub command: Vec<String>,
    pub env: Vec<String>,
    /// Columns and rows of a TTY to run on; `None` keeps stdout and stderr apart.
    pub tty: Option<(u16, u16)>,
    /// Absolute directory to run in; the image's own when `None`.
    pub working_dir: Option<String>,
}

impl Runtime {
    pub async fn open_process(
        &self,
        container: &str,
        spec: ProcessSpec,
    ) -> Result<Process, RuntimeError> {
        let docker = self.client().await?;
        let starting = self.freezes.starting(container).await;
        let created = docker
            .create_exec(
                container,
                CreateExecOptions {
                    cmd: Some(spec.command),
                    env: Some(spec.env),
                    working_dir: spec.working_dir,
                    attach_stdin: Some(true),
                    attach_stdout: Some(true),
                    attach_stderr: Some(true),
                    tty: Some(spec.tty.is_some()),
                    ..Default::default()
                },
            )
            .await?;
        let options = StartExecOptions {
            detach: false,
            tty: spec.tty.is_some(),
            output_capacity: Some(READ_CAPACITY),
        };
        let StartExecResults::Attached { output, input } =
            docker.start_exec(&created.id, Some(options)).await?
        else {
            return Err(RuntimeError::Rejected(
                "the engine detached the process".into(),
            ));
        };
        // The engine answers a resize only once the process runs.
        match spec.tty {
            Some((cols, rows)) => self.resize_tty(&created.id, cols, rows).await?,
            None => freezing::started(&docker, &created.id).await?,
        }
        drop(starting);
        let output = output.filter_map(|chunk| async move {
            match chunk {
                Ok(LogOutput::StdOut { message }) | Ok(LogOutput::Console { message }) => {
                    Some(Ok(ProcessOutput::Stdout(message)))
                }
                Ok(LogOutput::StdErr { message }) => Some(Ok(ProcessOutput::Stderr(message))),
                Ok(LogOutput::StdIn { .. }) => None,
                Err(err) => Some(Err(RuntimeError::from(err))),
            }
        });
        Ok(Process {
            exec_id: created.id,
            output: Box::pin(output),
            input,
        })
    }

    /// Whether the process started by `exec_id` still runs (a process started ahead of
    /// its use may have been ended inside the container since).
    pub async fn process_running(&self, exec_id: &str) -> Result<bool, RuntimeError> {
        let docker = self.client().await?;
        Ok(docker.inspect_exec(exec_id).await?.running == Some(true))
    }
}
