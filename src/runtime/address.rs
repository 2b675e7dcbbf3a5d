//! Where a container answers on one of its networks: the address sandboxd's own processes
//! connect to (previews), never handed to tenants.

use std::net::IpAddr;

use bollard::query_parameters::InspectContainerOptions;

use super::{Runtime, RuntimeError};

impl Runtime {
    /// The container's address on `network`, if it is attached to it and running.
    pub async fn address_on(
        &self,
        container: &str,
        network: &str,
    ) -> Result<Option<IpAddr>, RuntimeError> {
        let docker = self.client().await?;
        let found = docker
            .inspect_container(container, None::<InspectContainerOptions>)
            .await?;
        let running = found.state.and_then(|state| state.running) == Some(true);
        let address = found
            .network_settings
            .and_then(|settings| settings.networks)
            .and_then(|mut networks| networks.remove(network))
            .and_then(|endpoint| endpoint.ip_address)
            .and_then(|address| address.parse().ok());
        Ok(address.filter(|_| running))
    }
}
