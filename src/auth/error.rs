//! What can go wrong when signing up, signing in, or checking a credential and its scopes,
//! in terms the edge turns into the API's error body.

use super::rate_limit::RateLimited;
use super::Scope;

#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    /// No usable credential, or a login that does not match; `code` tells which.
    #[error("{message}")]
    Unauthenticated {
        code: &'static str,
        message: &'static str,
    },
    /// The credential does not carry a scope the operation needs.
    #[error("this credential lacks the {} scope", .0.as_str())]
    MissingScope(Scope),
    /// A token cannot be given a scope its maker does not hold.
    #[error("you cannot grant the {} scope", .0.as_str())]
    CannotGrant(Scope),
    #[error("no such token")]
    TokenNotFound,
    #[error("no such ssh key")]
    SshKeyNotFound,
    #[error("at most {0} ssh keys per user; delete one first")]
    TooManySshKeys(usize),
    /// The e-mail address or username belongs to another account.
    #[error("{message}")]
    Taken {
        code: &'static str,
        message: &'static str,
    },
    #[error(transparent)]
    RateLimited(#[from] RateLimited),
    #[error("invalid request: {0}")]
    Invalid(#[from] validator::ValidationErrors),
    #[error(transparent)]
    Database(#[from] sqlx::Error),
    /// A broken invariant: logged, and shown to the caller as an internal error.
    #[error("{0}")]
    Internal(String),
}

pub type Result<T, E = AuthError> = std::result::Result<T, E>;

impl AuthError {
    /// A credential that is missing, malformed, expired or revoked: all look alike.
    pub fn invalid_credential() -> Self {
        Self::Unauthenticated {
            code: "UNAUTHORIZED",
            message: "missing, invalid, expired or revoked credentials",
        }
    }
}
