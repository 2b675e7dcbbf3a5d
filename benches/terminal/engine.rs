//! The engine, for the raw baseline.

use anyhow::{bail, ensure};
use bollard::exec::{CreateExecOptions, StartExecResults};
use bollard::{Docker, API_DEFAULT_VERSION};
use futures_util::StreamExt;

pub async fn docker(host: &str) -> anyhow::Result<Docker> {
    let path = host.strip_prefix("unix://").unwrap_or(host);
    let docker = Docker::connect_with_unix(path, 120, API_DEFAULT_VERSION)?;
    Ok(docker.negotiate_version().await?)
}

/// Runs `command` to the end without a TTY; its output, or an error naming its exit code.
pub async fn run_exec(
    docker: &Docker,
    container: &str,
    command: &[&str],
) -> anyhow::Result<String> {
    let created = docker
        .create_exec(
            container,
            CreateExecOptions {
                cmd: Some(command.iter().map(|arg| arg.to_string()).collect()),
                attach_stdout: Some(true),
                attach_stderr: Some(true),
                ..Default::default()
            },
        )
        .await?;
    let StartExecResults::Attached { mut output, .. } =
        docker.start_exec(&created.id, None).await?
    else {
        bail!("the engine detached the exec");
    };
    let mut text = String::new();
    while let Some(chunk) = output.next().await {
        text.push_str(&String::from_utf8_lossy(&chunk?.into_bytes()));
    }
    let inspected = docker.inspect_exec(&created.id).await?;
    ensure!(
        inspected.exit_code == Some(0),
        "{command:?} exited with {:?}: {text}",
        inspected.exit_code
    );
    Ok(text)
}
