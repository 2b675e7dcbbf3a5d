//! Moving a container that was made with no network onto one: a warm pool's member joins its
//! new owner's network when a create takes it.

use bollard::models::{NetworkConnectRequest, NetworkDisconnectRequest};
use bollard::query_parameters::InspectContainerOptions;

use super::{Runtime, RuntimeError};

/// The engine's network of a container made with none.
const NO_NETWORK: &str = "none";

impl Runtime {
    /// Whether the container exists and runs (a pool's member may have died since it was
    /// last checked).
    pub async fn is_running(&self, container: &str) -> Result<bool, RuntimeError> {
        let docker = self.client().await?;
        match docker
            .inspect_container(container, None::<InspectContainerOptions>)
            .await
        {
            Ok(found) => Ok(found.state.and_then(|state| state.running) == Some(true)),
            Err(err) => match RuntimeError::from(err) {
                RuntimeError::NotFound(_) => Ok(false),
                other => Err(other),
            },
        }
    }

    /// Leaves `none` and joins `network`; done already (a retried step) is success.
    pub async fn join_network(&self, container: &str, network: &str) -> Result<(), RuntimeError> {
        let docker = self.client().await?;
        let leave = NetworkDisconnectRequest {
            container: Some(container.to_string()),
            force: Some(true),
        };
        match docker.disconnect_network(NO_NETWORK, leave).await {
            Ok(()) => {}
            Err(err) => match RuntimeError::from(err) {
                // Not on `none` any more: left it on an earlier try.
                RuntimeError::Rejected(message) if message.contains("not connected") => {}
                other => return Err(other),
            },
        }
        let join = NetworkConnectRequest {
            container: Some(container.to_string()),
            endpoint_config: None,
        };
        match docker.connect_network(network, join).await {
            Ok(()) => Ok(()),
            Err(err) => match RuntimeError::from(err) {
                RuntimeError::Rejected(message) if message.contains("already exists") => Ok(()),
                other => Err(other),
            },
        }
    }
}
