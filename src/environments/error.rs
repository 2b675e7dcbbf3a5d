//! What can go wrong with an operation on an environment, in terms the edge turns into the
//! API's error body (`api::error`): each refusal carries its stable code and a message meant
//! for the caller; engine and database failures carry their cause, which is only logged.

use serde_json::{Map, Value};

use crate::nodes::FleetError;
use crate::runtime::RuntimeError;

#[derive(Debug, thiserror::Error)]
pub enum EnvironmentError {
    /// Nothing of the caller's goes by that reference (an environment, a job).
    #[error("{message}")]
    NotFound {
        code: &'static str,
        message: String,
        details: Option<Value>,
    },
    /// The request breaks a rule; `fields` go beside the message, where Rexec's clients look.
    #[error("{message}")]
    Invalid {
        code: &'static str,
        message: String,
        fields: Map<String, Value>,
    },
    /// The environment is not in a state that allows it.
    #[error("{message}")]
    Conflict { code: &'static str, message: String },
    /// The caller's tier does not allow what was asked for.
    #[error("{message}")]
    Forbidden { code: &'static str, message: String },
    /// The owner's tier allows no more environments.
    #[error("container limit reached")]
    LimitReached {
        current: i64,
        limit: i32,
        tier: String,
    },
    /// The owner's tier allows no more snapshots, or no more snapshot storage (in MB).
    #[error("{message}")]
    SnapshotQuota {
        code: &'static str,
        message: String,
        current: i64,
        limit: i64,
        tier: String,
    },
    /// A request body over the configured limit, in bytes.
    #[error("the upload is larger than the limit of {limit} bytes")]
    TooLarge { limit: u64 },
    /// The environment's disk quota (or the engine's disk) filled up while writing.
    #[error("the environment's disk quota is exhausted")]
    QuotaExceeded,
    /// The node the environment lives on is down; worth retrying once it is back.
    #[error("the environment's node {node} is down")]
    NodeUnavailable { node: String },
    /// The engine could not be reached; worth retrying.
    #[error("the container engine cannot be reached")]
    EngineUnavailable { details: Option<Value> },
    /// The engine failed the operation; the cause was logged where it happened.
    #[error("{message}")]
    EngineFailed { code: &'static str, message: String },
    #[error(transparent)]
    Database(#[from] sqlx::Error),
    /// A broken invariant: logged, and shown to the caller as an internal error.
    #[error("{0}")]
    Internal(String),
}

/// A node that cannot be looked up, or is gone, leaves its environments out of reach: to the
/// caller that is the engine being unavailable (Fleet logs which node).
impl From<FleetError> for EnvironmentError {
    fn from(err: FleetError) -> Self {
        match err {
            FleetError::Database { source, .. } => Self::Database(source),
            FleetError::UnknownNode(_) => Self::engine_unavailable(),
            FleetError::NodeDown(node) => Self::NodeUnavailable { node },
        }
    }
}

pub type Result<T, E = EnvironmentError> = std::result::Result<T, E>;

impl EnvironmentError {
    /// The stable code of a refusal. Database failures are told apart (unavailable, bad text,
    /// a bug) only at the edge, where the body is made; here they carry a label.
    pub fn code(&self) -> &'static str {
        match self {
            Self::NotFound { code, .. }
            | Self::Invalid { code, .. }
            | Self::Conflict { code, .. }
            | Self::Forbidden { code, .. }
            | Self::EngineFailed { code, .. }
            | Self::SnapshotQuota { code, .. } => code,
            Self::LimitReached { .. } => "CONTAINER_LIMIT_REACHED",
            Self::TooLarge { .. } => "PAYLOAD_TOO_LARGE",
            Self::QuotaExceeded => "DISK_QUOTA_EXCEEDED",
            Self::EngineUnavailable { .. } => "DOCKER_UNAVAILABLE",
            Self::NodeUnavailable { .. } => "NODE_UNAVAILABLE",
            Self::Database(_) => "DATABASE_ERROR",
            Self::Internal(_) => "INTERNAL_ERROR",
        }
    }

    /// The environment the caller named is not theirs, or does not exist.
    pub fn not_found() -> Self {
        Self::not_found_as("CONTAINER_NOT_FOUND", "Container not found")
    }

    /// Also for another user's: a snapshot is found only among the caller's own.
    pub fn snapshot_not_found() -> Self {
        Self::not_found_as("SNAPSHOT_NOT_FOUND", "Snapshot not found")
    }

    pub fn not_found_as(code: &'static str, message: impl Into<String>) -> Self {
        Self::NotFound {
            code,
            message: message.into(),
            details: None,
        }
    }

    pub fn invalid(code: &'static str, message: impl Into<String>) -> Self {
        Self::Invalid {
            code,
            message: message.into(),
            fields: Map::new(),
        }
    }

    /// Adds a field beside the message of an `Invalid`; other kinds are left as they are.
    pub fn with_field(mut self, name: &str, value: impl Into<Value>) -> Self {
        if let Self::Invalid { fields, .. } = &mut self {
            fields.insert(name.to_string(), value.into());
        }
        self
    }

    /// Details for a `NotFound` or `EngineUnavailable`; other kinds are left as they are.
    pub fn with_details(mut self, value: Value) -> Self {
        match &mut self {
            Self::NotFound { details, .. } | Self::EngineUnavailable { details } => {
                *details = Some(value)
            }
            _ => {}
        }
        self
    }

    pub fn conflict(code: &'static str, message: impl Into<String>) -> Self {
        Self::Conflict {
            code,
            message: message.into(),
        }
    }

    pub fn engine_unavailable() -> Self {
        Self::EngineUnavailable { details: None }
    }

    pub fn engine_failed(code: &'static str, message: impl Into<String>) -> Self {
        Self::EngineFailed {
            code,
            message: message.into(),
        }
    }

    pub fn internal(cause: impl std::fmt::Display) -> Self {
        Self::Internal(cause.to_string())
    }

    /// An engine failure as the caller sees it: retry later, or `code` with a stable message.
    pub fn from_engine(err: &RuntimeError, code: &'static str, message: &str) -> Self {
        if err.is_transient() {
            Self::engine_unavailable()
        } else {
            Self::engine_failed(code, message)
        }
    }
}
