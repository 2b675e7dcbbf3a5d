use std::time::Duration;

use bollard::container::LogOutput;
use bollard::exec::{CreateExecOptions, StartExecResults};
use bytes::Bytes;
use futures_util::StreamExt;

use super::{Runtime, RuntimeError};

#[derive(Debug, Default)]
pub struct ExecOutput {
    pub exit_code: i64,
    pub stdout: String,
    pub stderr: String,
}

impl Runtime {
    /// Runs `command` in the container to completion and returns its output and exit code.
    pub async fn exec(
        &self,
        container: &str,
        command: Vec<String>,
        env: Vec<String>,
        timeout: Duration,
    ) -> Result<ExecOutput, RuntimeError> {
        let docker = self.client().await?;
        let created = docker
            .create_exec(
                container,
                CreateExecOptions {
                    cmd: Some(command),
                    env: Some(env),
                    attach_stdout: Some(true),
                    attach_stderr: Some(true),
                    ..Default::default()
                },
            )
            .await?;
        let run = async {
            let mut output = ExecOutput::default();
            if let StartExecResults::Attached {
                output: mut stream, ..
            } = docker.start_exec(&created.id, None).await?
            {
                while let Some(chunk) = stream.next().await {
                    match chunk? {
                        LogOutput::StdOut { message } => append(&mut output.stdout, &message),
                        LogOutput::StdErr { message } => append(&mut output.stderr, &message),
                        _ => {}
                    }
                }
            }
            Ok::<_, RuntimeError>(output)
        };
        let mut output = tokio::time::timeout(timeout, run).await.map_err(|_| {
            RuntimeError::Rejected(format!("command did not finish within {timeout:?}"))
        })??;
        let inspected = docker.inspect_exec(&created.id).await?;
        output.exit_code = inspected.exit_code.unwrap_or(-1);
        Ok(output)
    }

    /// Writes a tar archive into the container, unpacked at `path`.
    pub async fn upload(
        &self,
        container: &str,
        path: &str,
        tar: Vec<u8>,
    ) -> Result<(), RuntimeError> {
        let docker = self.client().await?;
        let options = bollard::query_parameters::UploadToContainerOptions {
            path: path.to_string(),
            ..Default::default()
        };
        docker
            .upload_to_container(
                container,
                Some(options),
                bollard::body_full(Bytes::from(tar)),
            )
            .await?;
        Ok(())
    }
}

fn append(buffer: &mut String, bytes: &[u8]) {
    buffer.push_str(&String::from_utf8_lossy(bytes));
}
