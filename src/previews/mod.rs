//! Previews: the web app someone runs in an environment (`npm run dev`,
//! `python3 -m http.server`), opened in a browser through sandboxd. A port is private to
//! the environment's owner unless they make it public or share it by a link; the proxy
//! connects to the environment on its owner's network, which tenants cannot reach.

mod access;
mod link;
mod listing;
mod ports;
mod shares;
mod site;
mod tunnels;
pub mod urls;

use std::sync::Arc;

use chrono::{DateTime, Utc};
use serde::Serialize;
use sqlx::PgPool;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::environments::{EnvironmentError, Environments};
use crate::expiring_map::ExpiringMap;
use crate::model::EnvironmentId;
use crate::nodes::Fleet;
pub use access::Entry;
use link::LinkKeys;
pub use listing::{PortView, PortsView};
pub use site::Site;
pub use urls::Origin;

/// An owner's link only lets a browser in; what it is traded for lasts longer.
pub const DEFAULT_LINK_SECONDS: u32 = 300;
pub const MAX_LINK_SECONDS: u32 = 3600;
/// Share links live from a minute to a week.
pub const MIN_SHARE_SECONDS: u32 = 60;
pub const MAX_SHARE_SECONDS: u32 = 7 * 24 * 3600;

/// How long a looked-up environment or share is taken as it was.
const FRESH_FOR: std::time::Duration = std::time::Duration::from_secs(2);
const KEPT: usize = 10_000;

#[derive(Clone)]
pub struct Previews {
    keys: Arc<LinkKeys>,
    pool: PgPool,
    environments: Environments,
    /// An environment's address and ports are read from the engine of its node.
    fleet: Fleet,
    domain: Arc<str>,
    sites: Arc<ExpiringMap<EnvironmentId, Option<Site>>>,
    shares_in_force: Arc<ExpiringMap<Uuid, bool>>,
}

/// A link to a port of an environment, for its owner's browser.
#[derive(Debug, Serialize, ToSchema)]
pub struct PreviewLink {
    /// Opens the port on its own host (`{port}-{environment}.{preview domain}`).
    #[schema(
        example = "http://8000-3f2504e0-4f89-41d3-9a0c-0305e82c3301.preview.localhost:8080/?sandboxd_preview_link=eyJ0eXAi..."
    )]
    pub url: String,
    /// The same under the API's own address, for deployments without wildcard DNS.
    #[schema(
        example = "/preview/3f2504e0-4f89-41d3-9a0c-0305e82c3301/8000/?sandboxd_preview_link=eyJ0eXAi..."
    )]
    pub path: String,
    pub port: u16,
    /// The link must be opened by then; the browser it lets in stays in for longer.
    pub expires_at: DateTime<Utc>,
}

#[derive(Debug, thiserror::Error)]
pub enum PreviewError {
    /// No such environment, not the caller's to open, or a link that is not (or no longer) valid.
    #[error("there is no preview here, or it is not yours to open")]
    NotFound,
    #[error("the environment is not running")]
    NotRunning,
    #[error("the environment's node is down")]
    NodeDown,
    #[error(transparent)]
    Environment(#[from] EnvironmentError),
}

impl From<sqlx::Error> for PreviewError {
    fn from(err: sqlx::Error) -> Self {
        Self::Environment(err.into())
    }
}

impl Previews {
    pub fn new(
        server_secret: &[u8],
        pool: PgPool,
        environments: Environments,
        fleet: Fleet,
        domain: &str,
    ) -> Self {
        Self {
            keys: Arc::new(LinkKeys::new(server_secret)),
            pool,
            environments,
            fleet,
            domain: domain.into(),
            sites: Arc::new(ExpiringMap::new(FRESH_FOR, KEPT)),
            shares_in_force: Arc::new(ExpiringMap::new(FRESH_FOR, KEPT)),
        }
    }

    /// The domain preview hosts are named under.
    pub fn domain(&self) -> &str {
        &self.domain
    }
}

fn check_port(port: u16) -> Result<(), PreviewError> {
    if port == 0 {
        return Err(
            EnvironmentError::invalid("INVALID_PREVIEW", "port must be 1-65535")
                .with_field("port", port)
                .into(),
        );
    }
    Ok(())
}

fn check_seconds(seconds: u32, range: std::ops::RangeInclusive<u32>) -> Result<(), PreviewError> {
    if !range.contains(&seconds) {
        let message = format!(
            "expires_in_seconds must be {}-{}",
            range.start(),
            range.end()
        );
        return Err(EnvironmentError::invalid("INVALID_PREVIEW", message)
            .with_field("expires_in_seconds", seconds)
            .into());
    }
    Ok(())
}
