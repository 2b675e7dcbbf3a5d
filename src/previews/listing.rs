//! `GET /api/containers/{id}/ports`: the ports an environment listens on now, each with
//! where to open it and who may.

use std::time::Duration;

use serde::Serialize;
use utoipa::ToSchema;

use super::ports::{listeners, Listener};
use super::urls::{self, Origin};
use super::{PreviewError, Previews};
use crate::auth::Principal;
use crate::db;
use crate::environments::EnvironmentError;
use crate::model::engine_names::container_name;
use crate::model::{Environment, Status};
use crate::provisioning::helper::BUSYBOX;

/// Reading two small files; an environment too busy to do that in time shows no ports.
const READ_WITHIN: Duration = Duration::from_secs(5);

#[derive(Debug, Serialize, ToSchema)]
pub struct PortView {
    pub port: u16,
    /// Something listens on it now.
    pub listening: bool,
    /// Where it is bound inside the environment.
    #[schema(example = json!(["0.0.0.0"]))]
    pub addresses: Vec<String>,
    /// False when bound to the loopback only: a preview cannot reach it (bind 0.0.0.0).
    pub reachable: bool,
    /// Anyone may open it, not only the owner.
    pub public: bool,
    /// Its preview, on its own host.
    pub url: String,
    /// Its preview under the API's address.
    pub path: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PortsView {
    pub ports: Vec<PortView>,
    pub count: usize,
}

impl Previews {
    /// The ports listening now, and the public ones even if nothing listens on them.
    pub async fn ports(
        &self,
        owner: &Principal,
        reference: &str,
        origin: &Origin,
    ) -> Result<PortsView, PreviewError> {
        let environment = self.environments.records().find(owner, reference).await?;
        let public = db::previews::public_ports(&self.pool, environment.id.uuid()).await?;
        let mut found = if environment.status == Status::Running {
            self.listening(&environment).await?
        } else {
            Vec::new()
        };
        for port in &public {
            if !found.iter().any(|listener| listener.port == *port) {
                found.push(Listener {
                    port: *port,
                    addresses: Vec::new(),
                });
            }
        }
        found.sort_by_key(|listener| listener.port);
        let ports: Vec<PortView> = found
            .into_iter()
            .map(|listener| PortView {
                port: listener.port,
                listening: !listener.addresses.is_empty(),
                reachable: listener.reachable(),
                addresses: listener.addresses.iter().map(ToString::to_string).collect(),
                public: public.contains(&listener.port),
                url: origin.host_url(&self.domain, environment.id, listener.port),
                path: urls::path(environment.id, listener.port),
            })
            .collect();
        Ok(PortsView {
            count: ports.len(),
            ports,
        })
    }

    async fn listening(&self, environment: &Environment) -> Result<Vec<Listener>, PreviewError> {
        // The environment's own shell may be anything; ours is mounted read-only. A kernel
        // without IPv6 has no tcp6, so cat's complaint about it is not a failure.
        let command = [BUSYBOX, "cat", "/proc/net/tcp", "/proc/net/tcp6"]
            .map(String::from)
            .to_vec();
        let runtime = self
            .fleet
            .runtime_for(environment)
            .await
            .map_err(EnvironmentError::from)?;
        let output = runtime
            .exec(
                &container_name(environment.id),
                command,
                Vec::new(),
                READ_WITHIN,
            )
            .await
            .map_err(|err| {
                EnvironmentError::from_engine(&err, "PORTS_FAILED", "the ports cannot be read")
            })?;
        Ok(listeners(&output.stdout))
    }
}
