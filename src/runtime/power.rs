//! Stopping, restarting, pausing and resuming containers.

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

    /// Freezes every process of the container (the cgroup freezer): memory stays, CPU is
    /// freed. One already paused counts, so a retried pause is not an error.
    pub async fn pause_container(&self, name: &str) -> Result<(), RuntimeError> {
        let docker = self.client().await?;
        let _freezing = self.freezes.freezing(name).await;
        match docker.pause_container(name).await {
            Err(err) if engine_says(&err, "already paused") => Ok(()),
            done => Ok(done?),
        }
    }

    /// Thaws a paused container; one that is not paused counts (the engine answers 500 for
    /// that, so it is told by its words).
    pub async fn unpause_container(&self, name: &str) -> Result<(), RuntimeError> {
        let docker = self.client().await?;
        match docker.unpause_container(name).await {
            Err(err) if engine_says(&err, "is not paused") => Ok(()),
            done => Ok(done?),
        }
    }
}

fn engine_says(err: &bollard::errors::Error, words: &str) -> bool {
    matches!(err, bollard::errors::Error::DockerResponseServerError { message, .. }
        if message.to_lowercase().contains(words))
}
