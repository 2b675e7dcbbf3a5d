//! How a provisioning run ends, and whether a failed stage is worth another attempt.

use crate::model::{Environment, ErrorCode};
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
    /// Retrying now cannot help either, and programs are told why by a stable code.
    #[error("{message}")]
    Coded { code: ErrorCode, message: String },
}

impl StageError {
    /// No room for another environment: no free subnet, or the engine out of addresses,
    /// disk or memory. The same words whichever it was: they are the tenant's to read.
    pub fn capacity() -> Self {
        StageError::Coded {
            code: ErrorCode::CapacityExhausted,
            message: "there is no room for another environment on this server right now; \
                      delete one you no longer need or try again later"
                .into(),
        }
    }
}

/// The environment's message is the tenant's to read: the engine's words are logged, and the
/// message says only what kind of failure it was.
impl From<RuntimeError> for StageError {
    fn from(err: RuntimeError) -> Self {
        tracing::warn!(error = %err, "engine failure while provisioning");
        if err.is_exhausted() {
            return StageError::capacity();
        }
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
