//! The host side of bridge networks: the interface a network's traffic enters the host on,
//! and the address pools the engine hands networks out of. The egress firewall matches on both.

use std::collections::HashMap;

use bollard::models::Network;
use bollard::query_parameters::{InspectNetworkOptions, ListNetworksOptionsBuilder};

use super::{Runtime, RuntimeError};

/// A bridge network as the host sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Bridge {
    pub network: String,
    /// The host interface of the bridge (`br-<id>` unless the network named its own).
    pub interface: String,
    /// The value of the label the networks were listed by.
    pub label: String,
}

const BRIDGE_NAME_OPTION: &str = "com.docker.network.bridge.name";

impl Runtime {
    /// Bridge networks carrying the label `filter` (`key=value`), with their value of `key`.
    pub async fn bridges_labelled(
        &self,
        filter: &str,
        key: &str,
    ) -> Result<Vec<Bridge>, RuntimeError> {
        let docker = self.client().await?;
        let filters = HashMap::from([("label", vec![filter]), ("driver", vec!["bridge"])]);
        let options = ListNetworksOptionsBuilder::new().filters(&filters).build();
        Ok(docker
            .list_networks(Some(options))
            .await?
            .into_iter()
            .filter_map(|network| {
                let label = network.labels.as_ref()?.get(key)?.clone();
                Some(Bridge {
                    interface: interface(&network)?,
                    network: network.name?,
                    label,
                })
            })
            .collect())
    }

    /// The host interface of the network `name`.
    pub async fn bridge_interface(&self, name: &str) -> Result<String, RuntimeError> {
        let docker = self.client().await?;
        let network = docker
            .inspect_network(name, None::<InspectNetworkOptions>)
            .await?;
        interface(&network)
            .ok_or_else(|| RuntimeError::Rejected(format!("network {name} is not a bridge")))
    }

    /// The engine's default address pools (`--default-address-pool`), each a CIDR; empty when
    /// the engine does not say (older engines).
    pub async fn address_pools(&self) -> Result<Vec<String>, RuntimeError> {
        let info = self.client().await?.info().await?;
        Ok(info
            .default_address_pools
            .unwrap_or_default()
            .into_iter()
            .filter_map(|pool| pool.base)
            .collect())
    }
}

fn interface(network: &Network) -> Option<String> {
    if network.driver.as_deref() != Some("bridge") {
        return None;
    }
    if let Some(name) = network.options.as_ref()?.get(BRIDGE_NAME_OPTION) {
        return Some(name.clone());
    }
    let id = network.id.as_deref()?;
    Some(format!("br-{}", id.get(..12)?))
}
