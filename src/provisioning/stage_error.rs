//! How a provisioning run ends, and whether a failed stage is worth another attempt.

use crate::model::Environment;
use crate::runtime::RuntimeError;

#[derive(Debug)]
pub enum Outcome {
    Ready,
    /// The environment was deleted (or failed) while we worked on it.
    Abandoned,
    /// Started and configuring: what is left is to wait for its first process's report,
    /// which needs no worker (see `watch`).
    AwaitingReport(Box<Environment>),
}

#[derive(Debug, thiserror::Error)]
pub enum StageError {
    /// Retrying cannot help: a missing image, a refused configuration, a failing role.
    #[error("{0}")]
    Permanent(String),
    #[error("{0}")]
    Transient(String),
}

/// The environment's message is the tenant's to read: the engine's words are logged, and the
/// message says only what kind of failure it was.
impl From<RuntimeError> for StageError {
    fn from(err: RuntimeError) -> Self {
        tracing::warn!(error = %err, "engine failure while provisioning");
        let message = err.public_message().to_string();
        if err.is_transient() {
            StageError::Transient(message)
        } else {
            StageError::Permanent(message)
        }
    }
}

impl From<sqlx::Error> for StageError {
    fn from(err: sqlx::Error) -> Self {
        tracing::warn!(error = %err, "database failure while provisioning");
        StageError::Transient("the database is unavailable, retrying".into())
    }
}
