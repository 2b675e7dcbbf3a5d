//! The one error body of the API: `{"error", "code", "details"}`, plus the top-level fields
//! Rexec puts beside them on some errors (`current`, `limit`, `tier`, `supported_images`).
//! It knows no web framework: the edge (`api::error`) sends it, with its HTTP status.

use serde_json::{json, Map, Value};

/// HTTP statuses by name, so that no layer below the edge needs a web framework's type.
pub mod status {
    pub const BAD_REQUEST: u16 = 400;
    pub const UNAUTHORIZED: u16 = 401;
    pub const FORBIDDEN: u16 = 403;
    pub const NOT_FOUND: u16 = 404;
    pub const CONFLICT: u16 = 409;
    pub const PAYLOAD_TOO_LARGE: u16 = 413;
    pub const TOO_MANY_REQUESTS: u16 = 429;
    pub const INTERNAL_SERVER_ERROR: u16 = 500;
    pub const BAD_GATEWAY: u16 = 502;
    pub const SERVICE_UNAVAILABLE: u16 = 503;
    pub const INSUFFICIENT_STORAGE: u16 = 507;
}

#[derive(Debug)]
pub struct ApiError {
    pub status: u16,
    pub code: &'static str,
    pub message: String,
    pub details: Option<Value>,
    pub extra: Map<String, Value>,
    pub retry_after_seconds: Option<u64>,
}

impl ApiError {
    pub fn new(status: impl Into<u16>, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            status: status.into(),
            code,
            message: message.into(),
            details: None,
            extra: Map::new(),
            retry_after_seconds: None,
        }
    }

    pub fn with_details(mut self, details: Value) -> Self {
        self.details = Some(details);
        self
    }

    /// Adds a field beside `error` and `code`, where Rexec's clients look for it.
    pub fn with_field(mut self, name: &str, value: impl Into<Value>) -> Self {
        self.extra.insert(name.to_string(), value.into());
        self
    }

    /// Replaces the stable code, keeping status and message.
    pub fn with_code(mut self, code: &'static str) -> Self {
        self.code = code;
        self
    }

    pub fn bad_request(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(status::BAD_REQUEST, code, message)
    }

    pub fn unauthorized(message: impl Into<String>) -> Self {
        Self::new(status::UNAUTHORIZED, "UNAUTHORIZED", message)
    }

    pub fn forbidden(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(status::FORBIDDEN, code, message)
    }

    pub fn not_found(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(status::NOT_FOUND, code, message)
    }

    pub fn conflict(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(status::CONFLICT, code, message)
    }

    pub fn too_many_requests(retry_after_seconds: u64) -> Self {
        let mut err = Self::new(
            status::TOO_MANY_REQUESTS,
            "RATE_LIMITED",
            format!("too many requests, retry in {retry_after_seconds} s"),
        );
        err.retry_after_seconds = Some(retry_after_seconds);
        err
    }

    pub fn unavailable(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(status::SERVICE_UNAVAILABLE, code, message)
    }

    /// The container engine cannot be reached: the same answer from every operation on it.
    pub fn engine_unavailable() -> Self {
        Self::unavailable(
            "DOCKER_UNAVAILABLE",
            "the container engine cannot be reached, retry shortly",
        )
    }

    /// Logs the cause and answers with a message that reveals nothing about internals.
    pub fn internal(cause: impl std::fmt::Display) -> Self {
        tracing::error!(error = %cause, "internal error");
        Self::new(
            status::INTERNAL_SERVER_ERROR,
            "INTERNAL_ERROR",
            "internal server error",
        )
    }

    pub fn body(&self) -> Value {
        let mut body = self.extra.clone();
        body.insert("error".into(), json!(self.message));
        body.insert("code".into(), json!(self.code));
        body.insert(
            "details".into(),
            self.details.clone().unwrap_or(Value::Null),
        );
        Value::Object(body)
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({})", self.message, self.code)
    }
}

/// Database errors that reach a handler are either a lost connection (503, so clients retry)
/// or a bug (500).
impl From<sqlx::Error> for ApiError {
    fn from(err: sqlx::Error) -> Self {
        match err {
            sqlx::Error::PoolTimedOut | sqlx::Error::Io(_) | sqlx::Error::PoolClosed => {
                tracing::warn!(error = %err, "database unavailable");
                Self::unavailable(
                    DATABASE_UNAVAILABLE,
                    "the database is unavailable, retry shortly",
                )
            }
            // Postgres text and jsonb cannot hold NUL, which JSON strings may carry; whichever
            // field it was in, the request is at fault, not the server.
            sqlx::Error::Database(db)
                if matches!(db.code().as_deref(), Some("22021" | "22P05")) =>
            {
                Self::bad_request(
                    "INVALID_TEXT",
                    "text may not contain NUL (\\u0000) characters",
                )
            }
            other => Self::internal(other),
        }
    }
}

impl From<validator::ValidationErrors> for ApiError {
    fn from(errors: validator::ValidationErrors) -> Self {
        let fields: Map<String, Value> = errors
            .field_errors()
            .into_iter()
            .map(|(field, problems)| {
                let messages: Vec<Value> = problems
                    .iter()
                    .map(|problem| {
                        json!(problem
                            .message
                            .clone()
                            .map(|m| m.to_string())
                            .unwrap_or_else(|| problem.code.to_string()))
                    })
                    .collect();
                (field.to_string(), Value::Array(messages))
            })
            .collect();
        let summary = fields
            .iter()
            .map(|(field, messages)| format!("{field}: {}", first_message(messages)))
            .collect::<Vec<_>>()
            .join("; ");
        Self::bad_request("VALIDATION_FAILED", format!("invalid request: {summary}"))
            .with_details(json!({ "fields": fields }))
    }
}

fn first_message(messages: &Value) -> String {
    messages
        .get(0)
        .and_then(Value::as_str)
        .unwrap_or("invalid")
        .to_string()
}

pub type ApiResult<T> = Result<T, ApiError>;

/// The code of every answer that failed because Postgres could not be reached.
pub const DATABASE_UNAVAILABLE: &str = "DATABASE_UNAVAILABLE";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extra_fields_sit_beside_error_and_code() {
        let body = ApiError::forbidden("CONTAINER_LIMIT_REACHED", "container limit reached")
            .with_field("limit", 5)
            .body();
        assert_eq!(body["error"], "container limit reached");
        assert_eq!(body["code"], "CONTAINER_LIMIT_REACHED");
        assert_eq!(body["limit"], 5);
        assert!(body["details"].is_null());
    }
}
