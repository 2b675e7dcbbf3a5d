use std::sync::Arc;

use tokio_util::sync::CancellationToken;

use crate::admin::Admin;
use crate::auth::rate_limit::RateLimiter;
use crate::auth::Auth;
use crate::config::Settings;
use crate::connections::Connections;
use crate::environments::Environments;
use crate::health::Health;
use crate::metrics::Metrics;
use crate::nodes::Nodes;
use crate::previews::Previews;
use crate::terminal::Terminals;

/// What every handler may reach: the services. Cheap to clone: everything inside is shared.
#[derive(Clone)]
pub struct AppState {
    pub settings: Arc<Settings>,
    pub auth: Arc<Auth>,
    pub limiter: RateLimiter,
    pub metrics: Arc<Metrics>,
    pub environments: Environments,
    pub terminals: Terminals,
    pub previews: Previews,
    /// The engines environments run on.
    pub nodes: Nodes,
    /// Open event streams and terminals, by principal: capped per user, closed on revocation.
    pub connections: Connections,
    pub admin: Admin,
    pub health: Health,
    /// Where the SSH edge listens, once bound; `None` while it is off.
    pub ssh_port: Option<u16>,
    /// Cancelled on shutdown; every long-lived loop (WebSockets, workers) selects on it.
    pub shutdown: CancellationToken,
}
