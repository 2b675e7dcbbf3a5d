//! Where a tunnel to an environment's port (the CLI's port-forward, SSH's `-L`) connects:
//! the same one address a preview may reach, found for the owner alone.

use std::net::SocketAddr;

use super::{check_port, PreviewError, Previews};
use crate::auth::Principal;
use crate::model::Status;

impl Previews {
    /// The caller's environment's address on its network, at `port`. A paused environment is
    /// woken first; anything but running is `NotRunning`.
    pub async fn tunnel_target(
        &self,
        caller: &Principal,
        reference: &str,
        port: u16,
    ) -> Result<SocketAddr, PreviewError> {
        check_port(port)?;
        let environment = self.environments.records().find(caller, reference).await?;
        let environment = self.environments.pausing().wake(environment).await?;
        if environment.status != Status::Running {
            return Err(PreviewError::NotRunning);
        }
        // Read afresh, not from the preview cache: the environment may have started just now.
        let site = self
            .look_up(environment.id)
            .await?
            .ok_or(PreviewError::NotFound)?;
        site.target(port)
    }
}
