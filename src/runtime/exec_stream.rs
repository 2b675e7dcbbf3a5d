//! Commands whose output is passed on as it comes, for clients that show it live.

use bollard::container::LogOutput;
use bollard::exec::{CreateExecOptions, StartExecOptions, StartExecResults};
use bytes::Bytes;
use futures_util::{Stream, StreamExt};
use std::pin::Pin;

use super::{ExecSpec, Runtime, RuntimeError};

/// Bytes read from the engine per chunk, as for terminals.
const READ_CAPACITY: usize = 32 * 1024;

/// A piece of a running command's output.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OutputChunk {
    Stdout(Bytes),
    Stderr(Bytes),
}

pub type OutputStream = Pin<Box<dyn Stream<Item = Result<OutputChunk, RuntimeError>> + Send>>;

/// A command started in a container; its output ends when it does.
pub struct StreamedExec {
    pub exec_id: String,
    pub output: OutputStream,
}

impl Runtime {
    /// Starts `spec.command` without a TTY and with no input; `output_cap` does not apply.
    pub async fn stream_exec(
        &self,
        container: &str,
        spec: &ExecSpec,
    ) -> Result<StreamedExec, RuntimeError> {
        let docker = self.client().await?;
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
        let options = StartExecOptions {
            detach: false,
            tty: false,
            output_capacity: Some(READ_CAPACITY),
        };
        let StartExecResults::Attached { output, .. } =
            docker.start_exec(&created.id, Some(options)).await?
        else {
            return Err(RuntimeError::Rejected(
                "the engine detached the command".into(),
            ));
        };
        let output = output.filter_map(|chunk| async move {
            match chunk {
                Ok(LogOutput::StdOut { message }) | Ok(LogOutput::Console { message }) => {
                    Some(Ok(OutputChunk::Stdout(message)))
                }
                Ok(LogOutput::StdErr { message }) => Some(Ok(OutputChunk::Stderr(message))),
                Ok(LogOutput::StdIn { .. }) => None,
                Err(err) => Some(Err(RuntimeError::from(err))),
            }
        });
        Ok(StreamedExec {
            exec_id: created.id,
            output: Box::pin(output),
        })
    }
}
