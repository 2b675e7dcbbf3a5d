//! Previews: a signed link to a port of a running environment, so the web app someone runs
//! in it (`npm run dev`, `python3 -m http.server`) opens in a browser. Whoever holds the link
//! reaches that one port until the link expires; the API process connects to the environment
//! on its owner's network, which tenants cannot reach.

mod link;

use std::net::SocketAddr;
use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use crate::auth::Principal;
use crate::environments::{EnvironmentError, Environments};
use crate::expiring_map::ExpiringMap;
use crate::model::engine_names::{container_name, network_name};
use crate::model::Status;
use crate::runtime::Runtime;
use link::LinkKeys;

/// How long a link lasts unless asked otherwise, and at most.
pub const DEFAULT_TTL_SECONDS: u32 = 3600;
pub const MAX_TTL_SECONDS: u32 = 7 * 24 * 3600;

/// A page loads dozens of assets through one link: where it leads is looked up (a query and
/// an engine call) at most this often per link.
const TARGET_FRESH_FOR: std::time::Duration = std::time::Duration::from_secs(2);
const TARGETS_KEPT: usize = 10_000;

#[derive(Clone)]
pub struct Previews {
    keys: Arc<LinkKeys>,
    environments: Environments,
    runtime: Runtime,
    targets: Arc<ExpiringMap<String, SocketAddr>>,
}

/// A preview link; `path` is served by this API under its own address.
#[derive(Debug, Serialize, ToSchema)]
pub struct PreviewLink {
    #[schema(example = "/preview/eyJ0eXAi.../")]
    pub path: String,
    /// The whole link, when the server knows its public address.
    pub url: Option<String>,
    pub port: u16,
    pub expires_at: DateTime<Utc>,
}

#[derive(Debug, thiserror::Error)]
pub enum PreviewError {
    /// Unsigned, tampered with, expired, or its environment is gone.
    #[error("this preview link is not valid or has expired")]
    InvalidLink,
    #[error("the environment is not running")]
    NotRunning,
    #[error(transparent)]
    Environment(#[from] EnvironmentError),
}

impl Previews {
    pub fn new(server_secret: &[u8], environments: Environments, runtime: Runtime) -> Self {
        Self {
            keys: Arc::new(LinkKeys::new(server_secret)),
            environments,
            runtime,
            targets: Arc::new(ExpiringMap::new(TARGET_FRESH_FOR, TARGETS_KEPT)),
        }
    }

    /// A link to `port` of one of the caller's environments.
    pub async fn link(
        &self,
        owner: &Principal,
        reference: &str,
        port: u16,
        ttl_seconds: Option<u32>,
        public_url: Option<&str>,
    ) -> Result<PreviewLink, PreviewError> {
        let ttl = ttl_seconds.unwrap_or(DEFAULT_TTL_SECONDS);
        if port == 0 || !(1..=MAX_TTL_SECONDS).contains(&ttl) {
            return Err(EnvironmentError::invalid(
                "INVALID_PREVIEW",
                format!("port must be 1-65535 and expires_in_seconds 1-{MAX_TTL_SECONDS}"),
            )
            .into());
        }
        let environment = self.environments.records().find(owner, reference).await?;
        let expires_at = Utc::now() + Duration::seconds(ttl.into());
        let path = format!(
            "/preview/{}/",
            self.keys.sign(environment.id.uuid(), port, expires_at)
        );
        let url = public_url.map(|base| format!("{}{path}", base.trim_end_matches('/')));
        Ok(PreviewLink {
            path,
            url,
            port,
            expires_at,
        })
    }

    /// Where a link leads: the environment's address on its owner's network, and the port.
    /// An answer is reused for a moment, so a stopped environment may take that long to
    /// show as stopped; the link itself is checked every time.
    pub async fn target(&self, link: &str) -> Result<SocketAddr, PreviewError> {
        let claims = self.keys.verify(link).ok_or(PreviewError::InvalidLink)?;
        if let Some(target) = self.targets.get(link) {
            return Ok(target);
        }
        let target = self.look_up(&claims).await?;
        self.targets.insert(link.to_string(), target);
        Ok(target)
    }

    async fn look_up(&self, claims: &link::LinkClaims) -> Result<SocketAddr, PreviewError> {
        let environment = self
            .environments
            .records()
            .by_id(claims.env.into())
            .await?
            .ok_or(PreviewError::InvalidLink)?;
        if environment.status != Status::Running {
            return Err(PreviewError::NotRunning);
        }
        let address = self
            .runtime
            .address_on(
                &container_name(environment.id),
                &network_name(environment.user_id),
            )
            .await
            .map_err(|err| {
                EnvironmentError::from_engine(&err, "PREVIEW_FAILED", "the preview is unavailable")
            })?
            .ok_or(PreviewError::NotRunning)?;
        Ok(SocketAddr::new(address, claims.port))
    }
}
