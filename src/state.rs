use std::sync::Arc;

use sqlx::PgPool;
use tokio_util::sync::CancellationToken;

use crate::admin::Admin;
use crate::auth::rate_limit::RateLimiter;
use crate::auth::Auth;
use crate::config::Settings;
use crate::kv::Kv;
use crate::metrics::Metrics;
use crate::provision::Provisioner;
use crate::runtime::Runtime;
use crate::terminal::Terminals;

/// What every handler may reach. Cheap to clone: everything inside is shared.
#[derive(Clone)]
pub struct AppState {
    pub settings: Arc<Settings>,
    pub pool: PgPool,
    pub kv: Kv,
    pub runtime: Runtime,
    pub auth: Arc<Auth>,
    pub limiter: RateLimiter,
    pub metrics: Arc<Metrics>,
    pub provisioner: Provisioner,
    pub terminals: Terminals,
    pub admin: Admin,
    /// Cancelled on shutdown; every long-lived loop (WebSockets, workers) selects on it.
    pub shutdown: CancellationToken,
}
