//! Accounts, sessions and API tokens: who may call, and with which scopes.

pub mod accounts;
pub mod api_token;
pub mod authenticate;
mod error;
pub mod jwt;
pub mod lockout;
pub mod password;
pub mod principal;
pub mod profile;
pub mod rate_limit;
pub mod scope;
pub mod session_cache;
pub mod ssh_host_key;
pub mod ssh_keys;
pub mod tokens;

use std::sync::Arc;
use std::time::Duration;

use sqlx::PgPool;

pub use error::AuthError;
pub use principal::{Credential, Principal};
pub use scope::Scope;

/// The auth service's dependencies.
pub struct Auth {
    pub pool: PgPool,
    pub keys: jwt::JwtKeys,
    pub session_ttl: Duration,
    /// Shared with the admin service, whose changes to a user drop their sessions from it.
    pub sessions: Arc<session_cache::SessionCache>,
    pub lockout: lockout::Lockout,
    /// Open connections, closed on every process when their credential is revoked.
    pub connections: crate::connections::Connections,
}
