//! What can go wrong in administration, in terms the edge turns into the API's error body.

use crate::environments::EnvironmentError;

#[derive(Debug, thiserror::Error)]
pub enum AdminError {
    /// No user, tier or environment goes by that reference.
    #[error("{message}")]
    NotFound { code: &'static str, message: String },
    /// The change clashes with what is there (a tier's name, a tier in use, oneself).
    #[error("{message}")]
    Conflict { code: &'static str, message: String },
    /// Limits that make no sense together, or a name that breaks the rules.
    #[error("{0}")]
    InvalidTier(String),
    /// A tier's `node_targets` entry that names no node, label or `_any`.
    #[error("{0}")]
    InvalidNodeTarget(String),
    /// The engine did not stop the environment.
    #[error("{0}")]
    StopFailed(String),
    #[error(transparent)]
    Environment(#[from] EnvironmentError),
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

pub type Result<T, E = AdminError> = std::result::Result<T, E>;

impl AdminError {
    pub fn not_found(code: &'static str, message: impl Into<String>) -> Self {
        Self::NotFound {
            code,
            message: message.into(),
        }
    }

    pub fn conflict(code: &'static str, message: impl Into<String>) -> Self {
        Self::Conflict {
            code,
            message: message.into(),
        }
    }
}
