//! Interactive processes on a pseudo-terminal inside a container: what a browser terminal
//! talks to.

use std::pin::Pin;
use std::time::Duration;

use bollard::container::LogOutput;
use bollard::exec::{CreateExecOptions, StartExecOptions, StartExecResults};
use bollard::query_parameters::ResizeExecOptions;
use bytes::Bytes;
use futures_util::{Stream, StreamExt};
use tokio::io::AsyncWrite;

use super::{Runtime, RuntimeError};

/// Bytes read from the engine per chunk: large enough that bulk output (a `cat` of a big
/// file) moves in few frames, small enough that an idle terminal holds little.
const READ_CAPACITY: usize = 32 * 1024;

pub type TtyOutput = Pin<Box<dyn Stream<Item = Result<Bytes, RuntimeError>> + Send>>;
pub type TtyInput = Pin<Box<dyn AsyncWrite + Send>>;

/// A running process on a TTY: what it prints, and where its keystrokes go.
pub struct Tty {
    pub exec_id: String,
    pub output: TtyOutput,
    pub input: TtyInput,
}

impl Runtime {
    /// Starts `command` on a new TTY of `cols` x `rows` in the container.
    pub async fn open_tty(
        &self,
        container: &str,
        command: Vec<String>,
        env: Vec<String>,
        (cols, rows): (u16, u16),
    ) -> Result<Tty, RuntimeError> {
        let docker = self.client().await?;
        let starting = self.freezes.starting(container).await;
        let created = docker
            .create_exec(
                container,
                CreateExecOptions {
                    cmd: Some(command),
                    env: Some(env),
                    attach_stdin: Some(true),
                    attach_stdout: Some(true),
                    attach_stderr: Some(true),
                    tty: Some(true),
                    ..Default::default()
                },
            )
            .await?;
        let options = StartExecOptions {
            detach: false,
            tty: true,
            output_capacity: Some(READ_CAPACITY),
        };
        let StartExecResults::Attached { output, input } =
            docker.start_exec(&created.id, Some(options)).await?
        else {
            return Err(RuntimeError::Rejected("the engine detached the TTY".into()));
        };
        // Engines before API 1.42 take no size at create, so the first prompt may be drawn at
        // 80x24 for an instant before this lands.
        // It is answered once the process runs: the start is over then.
        self.resize_tty(&created.id, cols, rows).await?;
        drop(starting);
        let output = output.filter_map(|chunk| async move {
            match chunk {
                Ok(LogOutput::Console { message })
                | Ok(LogOutput::StdOut { message })
                | Ok(LogOutput::StdErr { message }) => Some(Ok(message)),
                Ok(LogOutput::StdIn { .. }) => None,
                Err(err) => Some(Err(RuntimeError::from(err))),
            }
        });
        Ok(Tty {
            exec_id: created.id,
            output: Box::pin(output),
            input,
        })
    }

    pub async fn resize_tty(
        &self,
        exec_id: &str,
        cols: u16,
        rows: u16,
    ) -> Result<(), RuntimeError> {
        let docker = self.client().await?;
        docker
            .resize_exec(
                exec_id,
                ResizeExecOptions {
                    h: i32::from(rows),
                    w: i32::from(cols),
                },
            )
            .await?;
        Ok(())
    }

    /// The exit code of a finished process; the engine may take a moment to record it after
    /// the output ends.
    pub async fn exec_exit_code(&self, exec_id: &str) -> Result<Option<i64>, RuntimeError> {
        let docker = self.client().await?;
        for _ in 0..20 {
            let inspected = docker.inspect_exec(exec_id).await?;
            if inspected.running != Some(true) {
                return Ok(inspected.exit_code);
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        Ok(None)
    }
}
