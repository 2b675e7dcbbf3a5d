//! Each service's error enum as the API's error body: status, stable code, message, and the
//! fields Rexec's clients look for beside them.

use serde_json::Value;

use crate::admin::AdminError;
use crate::auth::rate_limit::RateLimited;
use crate::auth::AuthError;
use crate::connections::TooManyConnections;
use crate::environments::EnvironmentError;
use crate::error::{status, ApiError};
use crate::nodes::{NodeError, PoolError};
use crate::previews::PreviewError;
use crate::terminal::TerminalError;

impl From<EnvironmentError> for ApiError {
    fn from(err: EnvironmentError) -> Self {
        match err {
            EnvironmentError::NotFound {
                code,
                message,
                details,
            } => with_details(ApiError::not_found(code, message), details),
            EnvironmentError::Invalid {
                code,
                message,
                fields,
            } => {
                let mut refused = ApiError::bad_request(code, message);
                refused.extra = fields;
                refused
            }
            EnvironmentError::Conflict { code, message } => ApiError::conflict(code, message),
            EnvironmentError::Forbidden { code, message } => ApiError::forbidden(code, message),
            EnvironmentError::LimitReached {
                current,
                limit,
                tier,
            } => ApiError::forbidden("CONTAINER_LIMIT_REACHED", "container limit reached")
                .with_field("current", current)
                .with_field("limit", limit)
                .with_field("tier", tier)
                .with_field("message", "Upgrade your plan to create more containers"),
            EnvironmentError::SnapshotQuota {
                code,
                message,
                current,
                limit,
                tier,
            } => ApiError::forbidden(code, message)
                .with_field("current", current)
                .with_field("limit", limit)
                .with_field("tier", tier),
            EnvironmentError::TooLarge { limit } => ApiError::new(
                status::PAYLOAD_TOO_LARGE,
                "PAYLOAD_TOO_LARGE",
                err.to_string(),
            )
            .with_field("limit", limit),
            EnvironmentError::QuotaExceeded => ApiError::new(
                status::INSUFFICIENT_STORAGE,
                "DISK_QUOTA_EXCEEDED",
                err.to_string(),
            ),
            EnvironmentError::NodeUnavailable { node } => ApiError::unavailable(
                "NODE_UNAVAILABLE",
                format!("the environment's node {node} is down; try again once it is back"),
            )
            .with_field("node", node),
            EnvironmentError::EngineUnavailable { details } => {
                with_details(ApiError::engine_unavailable(), details)
            }
            EnvironmentError::EngineFailed { code, message } => {
                ApiError::new(status::INTERNAL_SERVER_ERROR, code, message)
            }
            EnvironmentError::Database(err) => err.into(),
            EnvironmentError::Internal(cause) => ApiError::internal(cause),
        }
    }
}

fn with_details(err: ApiError, details: Option<Value>) -> ApiError {
    match details {
        Some(details) => err.with_details(details),
        None => err,
    }
}

impl From<AuthError> for ApiError {
    fn from(err: AuthError) -> Self {
        let message = err.to_string();
        match err {
            AuthError::Unauthenticated { code, .. } => {
                ApiError::unauthorized(message).with_code(code)
            }
            AuthError::MissingScope(scope) => ApiError::forbidden("INSUFFICIENT_SCOPE", message)
                .with_field("required_scope", scope.as_str()),
            AuthError::CannotGrant(_) => ApiError::forbidden("INSUFFICIENT_SCOPE", message),
            AuthError::TokenNotFound => ApiError::not_found("TOKEN_NOT_FOUND", message),
            AuthError::SshKeyNotFound => ApiError::not_found("SSH_KEY_NOT_FOUND", message),
            AuthError::TooManySshKeys(limit) => {
                ApiError::forbidden("SSH_KEY_LIMIT_REACHED", message).with_field("limit", limit)
            }
            AuthError::Taken { code, .. } => ApiError::conflict(code, message),
            AuthError::RateLimited(limited) => limited.into(),
            AuthError::Invalid(errors) => errors.into(),
            AuthError::Database(err) => err.into(),
            AuthError::Internal(cause) => ApiError::internal(cause),
        }
    }
}

impl From<RateLimited> for ApiError {
    fn from(limited: RateLimited) -> Self {
        ApiError::too_many_requests(limited.retry_after_seconds)
    }
}

impl From<AdminError> for ApiError {
    fn from(err: AdminError) -> Self {
        let message = err.to_string();
        match err {
            AdminError::NotFound { code, .. } => ApiError::not_found(code, message),
            AdminError::Conflict { code, .. } => ApiError::conflict(code, message),
            AdminError::InvalidTier(_) => ApiError::bad_request("INVALID_TIER", message),
            AdminError::InvalidNodeTarget(_) => {
                ApiError::bad_request("INVALID_NODE_TARGET", message)
            }
            AdminError::StopFailed(_) => ApiError::new(
                status::INTERNAL_SERVER_ERROR,
                "CONTAINER_STOP_FAILED",
                message,
            ),
            AdminError::Environment(err) => err.into(),
            AdminError::Database(err) => err.into(),
        }
    }
}

impl From<TerminalError> for ApiError {
    fn from(err: TerminalError) -> Self {
        let message = err.to_string();
        match err {
            TerminalError::TooMany(_) => ApiError::conflict("TOO_MANY_TERMINALS", message),
            TerminalError::InvalidSessionId => ApiError::bad_request("INVALID_SESSION_ID", message),
            TerminalError::NotRunning => ApiError::conflict("CONTAINER_NOT_RUNNING", message),
            TerminalError::Unavailable => ApiError::unavailable("TERMINAL_UNAVAILABLE", message),
            TerminalError::NodeDown(_) => ApiError::unavailable("NODE_UNAVAILABLE", message),
            TerminalError::Internal(cause) => ApiError::internal(cause),
        }
    }
}

impl From<TooManyConnections> for ApiError {
    fn from(err: TooManyConnections) -> Self {
        ApiError::new(
            status::TOO_MANY_REQUESTS,
            "TOO_MANY_CONNECTIONS",
            err.to_string(),
        )
    }
}

impl From<PreviewError> for ApiError {
    fn from(err: PreviewError) -> Self {
        let message = err.to_string();
        match err {
            PreviewError::NotFound => ApiError::not_found("PREVIEW_NOT_FOUND", message),
            PreviewError::NotRunning => ApiError::conflict("CONTAINER_NOT_RUNNING", message),
            PreviewError::NodeDown => ApiError::unavailable("NODE_UNAVAILABLE", message),
            PreviewError::Environment(err) => err.into(),
        }
    }
}

impl From<NodeError> for ApiError {
    fn from(err: NodeError) -> Self {
        let message = err.to_string();
        match err {
            NodeError::NotFound(_) => ApiError::not_found("NODE_NOT_FOUND", message),
            NodeError::InvalidLabels(_) => ApiError::bad_request("INVALID_NODE_LABELS", message),
            NodeError::InvalidOvercommit(_) => ApiError::bad_request("INVALID_OVERCOMMIT", message),
            NodeError::NotDrained(_) => ApiError::conflict("NODE_NOT_DRAINED", message),
            NodeError::NotEmpty { count, .. } => ApiError::conflict("NODE_NOT_EMPTY", message)
                .with_details(serde_json::json!({ "environments": count })),
            NodeError::Database(err) => err.into(),
        }
    }
}

impl From<PoolError> for ApiError {
    fn from(err: PoolError) -> Self {
        let message = err.to_string();
        match err {
            PoolError::NotFound(_) => ApiError::not_found("POOL_NOT_FOUND", message),
            PoolError::NodeNotFound(_) => ApiError::not_found("NODE_NOT_FOUND", message),
            PoolError::TierNotFound(_) => ApiError::not_found("TIER_NOT_FOUND", message),
            PoolError::Invalid { code, .. } => ApiError::bad_request(code, message),
            PoolError::Exists(_) => ApiError::conflict("POOL_EXISTS", message),
            PoolError::Database(err) => err.into(),
        }
    }
}
