//! Stopping and restarting containers.

use bollard::query_parameters::{RestartContainerOptions, StopContainerOptions};

use super::{Runtime, RuntimeError};

impl Runtime {
    /// Stops the container, killing it after `grace_seconds`; one already stopped counts.
    pub async fn stop_container(&self, name: &str, grace_seconds: i32) -> Result<(), RuntimeError> {
        let docker = self.client().await?;
        let options = StopContainerOptions {
            t: Some(grace_seconds),
            signal: None,
        };
        match docker.stop_container(name, Some(options)).await {
            Ok(()) => Ok(()),
            Err(bollard::errors::Error::DockerResponseServerError {
                status_code: 304, ..
            }) => Ok(()),
            Err(err) => Err(err.into()),
        }
    }

    pub async fn restart_container(
        &self,
        name: &str,
        grace_seconds: i32,
    ) -> Result<(), RuntimeError> {
        let docker = self.client().await?;
        let options = RestartContainerOptions {
            t: Some(grace_seconds),
            signal: None,
        };
        docker.restart_container(name, Some(options)).await?;
        Ok(())
    }
}
