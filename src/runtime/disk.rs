//! How much a container has written on top of its image: what its disk quota counts.

use bollard::query_parameters::InspectContainerOptions;

use super::{Runtime, RuntimeError};

impl Runtime {
    /// The bytes in the container's writable layer. The engine walks the layer to count
    /// them, so this is for the occasional check, not for every request.
    pub async fn written_bytes(&self, name: &str) -> Result<u64, RuntimeError> {
        let docker = self.client().await?;
        let found = docker
            .inspect_container(name, Some(InspectContainerOptions { size: true }))
            .await?;
        Ok(found.size_rw.unwrap_or_default().max(0) as u64)
    }
}
