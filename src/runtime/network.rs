use std::collections::HashMap;

use bollard::models::{Ipam, IpamConfig, NetworkCreateRequest};
use bollard::query_parameters::{InspectNetworkOptions, ListNetworksOptionsBuilder};
use bollard::Docker;
use ipnet::Ipv4Net;

use super::{Runtime, RuntimeError};

impl Runtime {
    /// Whether the network `name` exists; twins left by an earlier race are reduced to one.
    /// Asks the engine only about networks not seen yet: see [`Runtime::forget_network`].
    pub async fn network_exists(&self, name: &str) -> Result<bool, RuntimeError> {
        if self.seen_networks().contains(name) {
            return Ok(true);
        }
        let docker = self.client().await?;
        let exists = match docker
            .inspect_network(name, None::<InspectNetworkOptions>)
            .await
        {
            Ok(_) => true,
            Err(err) if err.to_string().contains("ambiguous") => {
                keep_one(&docker, name).await?;
                true
            }
            Err(err) => match RuntimeError::from(err) {
                RuntimeError::NotFound(_) => false,
                other => return Err(other),
            },
        };
        if exists {
            self.seen_networks().insert(name.to_string());
        }
        Ok(exists)
    }

    /// For a network someone else removed: the next check asks the engine again.
    pub fn forget_network(&self, name: &str) {
        self.seen_networks().remove(name);
    }

    fn seen_networks(&self) -> std::sync::MutexGuard<'_, std::collections::HashSet<String>> {
        self.networks_seen.lock().expect("networks seen lock")
    }

    /// Makes sure the bridge network `name` exists, on `subnet` when it is made. Each user
    /// gets one, so one user's environments cannot reach another's.
    pub async fn ensure_network(
        &self,
        name: &str,
        labels: HashMap<String, String>,
        subnet: Ipv4Net,
    ) -> Result<(), RuntimeError> {
        if self.network_exists(name).await? {
            return Ok(());
        }
        let docker = self.client().await?;
        let request = NetworkCreateRequest {
            name: name.to_string(),
            driver: Some("bridge".into()),
            labels: Some(labels),
            ipam: Some(Ipam {
                config: Some(vec![IpamConfig {
                    subnet: Some(subnet.to_string()),
                    gateway: subnet.hosts().next().map(|gateway| gateway.to_string()),
                    ..Default::default()
                }]),
                ..Default::default()
            }),
            options: Some(HashMap::from([(
                // No traffic between containers on the same bridge is needed for isolation
                // between users; within one user's network it is their own business.
                "com.docker.network.bridge.enable_icc".to_string(),
                "true".to_string(),
            )])),
            ..Default::default()
        };
        create_once(&docker, request).await?;
        self.seen_networks().insert(name.to_string());
        Ok(())
    }
}

impl Runtime {
    /// Every network on the engine, whoever made it, with its IPv4 subnets.
    pub async fn network_subnets(&self) -> Result<Vec<(String, Ipv4Net)>, RuntimeError> {
        let docker = self.client().await?;
        let networks = docker
            .list_networks(None::<bollard::query_parameters::ListNetworksOptions>)
            .await?;
        Ok(networks
            .into_iter()
            .flat_map(|network| {
                let name = network.name.unwrap_or_default();
                let configs = network
                    .ipam
                    .and_then(|ipam| ipam.config)
                    .unwrap_or_default();
                configs
                    .into_iter()
                    .filter_map(|config| config.subnet?.parse::<Ipv4Net>().ok())
                    .map(move |subnet| (name.clone(), subnet))
            })
            .collect())
    }

    /// Networks carrying the label `filter` (`key=value`): each one's name and its value of
    /// the label `key`.
    pub async fn networks_labelled(
        &self,
        filter: &str,
        key: &str,
    ) -> Result<Vec<(String, String)>, RuntimeError> {
        let docker = self.client().await?;
        let filters = HashMap::from([("label", vec![filter])]);
        let options = ListNetworksOptionsBuilder::new().filters(&filters).build();
        Ok(docker
            .list_networks(Some(options))
            .await?
            .into_iter()
            .filter_map(|network| {
                let value = network.labels?.remove(key)?;
                Some((network.name?, value))
            })
            .collect())
    }

    /// Removes the network `name` unless a container is attached to it; whether it is gone
    /// (its addresses free), now or before.
    pub async fn remove_network(&self, name: &str) -> Result<bool, RuntimeError> {
        self.forget_network(name);
        let docker = self.client().await?;
        match docker.remove_network(name).await {
            Ok(()) => Ok(true),
            Err(err) => match RuntimeError::from(err) {
                RuntimeError::NotFound(_) => Ok(true),
                // In use ("has active endpoints").
                RuntimeError::Rejected(_) => Ok(false),
                other => Err(other),
            },
        }
    }
}

/// Removes all but the oldest network named `name`. Every racing create picks the same
/// survivor (oldest, then lowest id), so they agree without talking to each other.
/// Makes a network; one made meanwhile by another sandboxd sharing this engine is as good.
pub(super) async fn create_once(
    docker: &Docker,
    request: NetworkCreateRequest,
) -> Result<(), RuntimeError> {
    match docker.create_network(request).await {
        Ok(_) => Ok(()),
        Err(err) => match RuntimeError::from(err) {
            RuntimeError::Rejected(message) if message.contains("already exists") => Ok(()),
            other => Err(other),
        },
    }
}

pub(super) async fn keep_one(docker: &Docker, name: &str) -> Result<(), RuntimeError> {
    for id in named(docker, name).await?.iter().skip(1) {
        if let Err(err) = docker.remove_network(id).await {
            tracing::debug!(error = %err, network = name, "a duplicate network was not removed");
        }
    }
    Ok(())
}

/// The ids of the networks named `name`, oldest first.
async fn named(docker: &Docker, name: &str) -> Result<Vec<String>, RuntimeError> {
    let filters = HashMap::from([("name", vec![name])]);
    let options = ListNetworksOptionsBuilder::new().filters(&filters).build();
    let mut same: Vec<_> = docker
        .list_networks(Some(options))
        .await?
        .into_iter()
        // The engine's name filter matches substrings.
        .filter(|network| network.name.as_deref() == Some(name))
        .filter_map(|network| Some((network.created.clone().unwrap_or_default(), network.id?)))
        .collect();
    same.sort();
    Ok(same.into_iter().map(|(_, id)| id).collect())
}
