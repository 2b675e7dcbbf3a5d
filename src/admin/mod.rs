//! Administration: the seeded admin account, tiers, users and their limits, and every
//! environment whoever owns it.

pub mod audit;
pub mod audit_bounds;
pub mod environments;
mod error;
pub mod seed;
pub mod stats;
pub mod tiers;
pub mod users;

pub use error::AdminError;

use std::sync::Arc;

use sqlx::PgPool;

use crate::auth::session_cache::SessionCache;
use crate::connections::Connections;
use crate::environments::Environments;
use crate::provisioning::catalogue::Catalogue;
use crate::runtime::Runtime;
use audit_bounds::AnonymousBudget;

#[derive(Clone)]
pub struct Admin {
    pool: PgPool,
    environments: Environments,
    runtime: Runtime,
    catalogue: Arc<Catalogue>,
    /// Sessions the auth service remembers; a user changed here is dropped from it.
    sessions: Arc<SessionCache>,
    /// Open connections; a disabled user's are closed on every process.
    connections: Connections,
    /// How many requests without credentials may still be written to the audit log.
    anonymous_audit: Arc<AnonymousBudget>,
}

impl Admin {
    pub fn new(
        pool: PgPool,
        environments: Environments,
        runtime: Runtime,
        catalogue: Arc<Catalogue>,
        (sessions, connections): (Arc<SessionCache>, Connections),
        anonymous_audit: AnonymousBudget,
    ) -> Self {
        Self {
            pool,
            environments,
            runtime,
            catalogue,
            sessions,
            connections,
            anonymous_audit: Arc::new(anonymous_audit),
        }
    }
}
