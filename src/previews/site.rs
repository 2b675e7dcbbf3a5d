//! What the preview proxy needs to know of an environment on every request: whose it is,
//! where it can be reached, and which of its ports are public. A page loads dozens of
//! assets at once, so an answer is kept for a moment: a stopped environment may take that
//! long to show, and so may a port made private in another process (the process that made
//! it private forgets at once).

use std::net::{IpAddr, SocketAddr};

use super::{PreviewError, Previews};
use crate::db;
use crate::model::engine_names::{container_name, network_name};
use crate::model::{EnvironmentId, Status, UserId};
use crate::nodes::FleetError;

#[derive(Clone, Debug)]
pub struct Site {
    pub environment: EnvironmentId,
    pub owner: UserId,
    /// The environment's address on its owner's network, while it runs.
    address: Option<IpAddr>,
    public_ports: Vec<u16>,
    /// The node it lives on is down: nothing of it can be reached until it is back.
    node_down: bool,
    /// Frozen: it keeps its address, but answers nothing until it is resumed.
    pub paused: bool,
}

impl Site {
    pub fn is_public(&self, port: u16) -> bool {
        self.public_ports.contains(&port)
    }

    /// The one place a preview of this environment may connect to.
    pub fn target(&self, port: u16) -> Result<SocketAddr, PreviewError> {
        if self.node_down {
            return Err(PreviewError::NodeDown);
        }
        self.address
            .map(|address| SocketAddr::new(address, port))
            .ok_or(PreviewError::NotRunning)
    }
}

impl Previews {
    /// The environment behind a preview; `NotFound` when there is none (an unknown id is
    /// remembered as such too, so guessing ids costs Postgres nothing more).
    pub async fn site(&self, environment: EnvironmentId) -> Result<Site, PreviewError> {
        if let Some(known) = self.sites.get(&environment) {
            return known.ok_or(PreviewError::NotFound);
        }
        let found = self.look_up(environment).await?;
        self.sites.insert(environment, found.clone());
        found.ok_or(PreviewError::NotFound)
    }

    /// Resumes a paused environment a visitor was let in to, as a terminal or exec would.
    pub async fn wake(&self, environment: EnvironmentId) -> Result<(), PreviewError> {
        if let Some(row) = self.environments.records().by_id(environment).await? {
            self.environments.pausing().wake(row).await?;
        }
        self.forget_site(environment);
        Ok(())
    }

    pub(super) fn forget_site(&self, environment: EnvironmentId) {
        self.sites.remove(&environment);
    }

    pub(super) async fn look_up(&self, id: EnvironmentId) -> Result<Option<Site>, PreviewError> {
        let Some(environment) = self.environments.records().by_id(id).await? else {
            return Ok(None);
        };
        let mut node_down = false;
        let paused = environment.status == Status::Paused;
        let address = if environment.status == Status::Running || paused {
            let container = container_name(environment.id);
            let network = network_name(environment.user_id);
            match self.fleet.runtime_for(&environment).await {
                Ok(runtime) => runtime
                    .address_on(&container, &network)
                    .await
                    .unwrap_or_else(|err| {
                        tracing::warn!(error = %err, "preview: the environment's address is unknown");
                        None
                    }),
                Err(FleetError::NodeDown(_)) => {
                    node_down = true;
                    None
                }
                Err(err) => {
                    tracing::warn!(error = %err, "preview: the environment's engine is unknown");
                    None
                }
            }
        } else {
            None
        };
        let public_ports = db::previews::public_ports(&self.pool, id.uuid()).await?;
        Ok(Some(Site {
            environment: id,
            owner: environment.user_id,
            address,
            public_ports,
            node_down,
            paused,
        }))
    }
}
