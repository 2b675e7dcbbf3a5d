//! Moving a container that has no network onto one: a warm pool's member joins its new
//! owner's network when a create takes it.
//!
//! A member is started on the parking network and taken off it at once, so it rests with
//! nothing but its loopback. Starting it there is what makes the join fast: the engine sets
//! up a user network's embedded DNS inside the container's namespace once per container
//! (about ten `iptables` runs, 60–80 ms), and a member started on `none` would pay that on
//! the create that takes it rather than ahead of time.

use std::collections::HashMap;

use bollard::models::{NetworkConnectRequest, NetworkCreateRequest, NetworkDisconnectRequest};
use bollard::query_parameters::InspectContainerOptions;

use super::network::{create_once, keep_one};
use super::{Runtime, RuntimeError};

/// The engine's network of a container made with none (members made before the parking
/// network was).
const NO_NETWORK: &str = "none";
/// One per engine, shared by every sandboxd using it: members stand on it only while they
/// start.
const PARKING_NETWORK: &str = "sbx-parking";

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

    /// The parking network, made when missing: internal (no way out of it) and with no
    /// traffic between the containers on it.
    pub async fn parking_network(
        &self,
        labels: HashMap<String, String>,
    ) -> Result<&'static str, RuntimeError> {
        if self.network_exists(PARKING_NETWORK).await? {
            return Ok(PARKING_NETWORK);
        }
        let docker = self.client().await?;
        let request = NetworkCreateRequest {
            name: PARKING_NETWORK.to_string(),
            driver: Some("bridge".into()),
            internal: Some(true),
            labels: Some(labels),
            options: Some(HashMap::from([(
                "com.docker.network.bridge.enable_icc".to_string(),
                "false".to_string(),
            )])),
            ..Default::default()
        };
        create_once(&docker, request).await?;
        // Two sandboxd making it at once make two of the name, and the engine then starts
        // nothing on either.
        keep_one(&docker, PARKING_NETWORK).await?;
        self.network_exists(PARKING_NETWORK).await?;
        Ok(PARKING_NETWORK)
    }

    /// Takes a started container off `network`, leaving it with its loopback alone.
    pub async fn leave_network(&self, container: &str, network: &str) -> Result<(), RuntimeError> {
        let docker = self.client().await?;
        let leave = NetworkDisconnectRequest {
            container: Some(container.to_string()),
            force: Some(true),
        };
        match docker.disconnect_network(network, leave).await {
            Ok(()) => Ok(()),
            Err(err) => match RuntimeError::from(err) {
                RuntimeError::Rejected(message) if message.contains("not connected") => Ok(()),
                other => Err(other),
            },
        }
    }

    /// Joins `network`; done already (a retried step) is success. A container made on
    /// `none` leaves it first.
    pub async fn join_network(&self, container: &str, network: &str) -> Result<(), RuntimeError> {
        match self.connect(container, network).await {
            Err(RuntimeError::Rejected(message)) if message.contains("(none) mode") => {
                self.leave_network(container, NO_NETWORK).await?;
                self.connect(container, network).await
            }
            done => done,
        }
    }

    async fn connect(&self, container: &str, network: &str) -> Result<(), RuntimeError> {
        let docker = self.client().await?;
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
