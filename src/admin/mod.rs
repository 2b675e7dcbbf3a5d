//! Administration: the seeded admin account, tiers, users and their limits, and every
//! environment whoever owns it.

pub mod environments;
pub mod seed;
pub mod stats;
pub mod tiers;
pub mod users;

use std::sync::Arc;

use sqlx::PgPool;

use crate::auth::session_cache::SessionCache;
use crate::provision::Provisioner;

#[derive(Clone)]
pub struct Admin {
    pub pool: PgPool,
    pub provisioner: Provisioner,
    /// Sessions the auth service remembers; a user changed here is dropped from it.
    pub sessions: Arc<SessionCache>,
}
