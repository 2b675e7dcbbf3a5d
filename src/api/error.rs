//! Errors at the edge: every service's error becomes the one error body (`crate::error`)
//! here, and only here, with its HTTP status.

use actix_web::http::{header, StatusCode};
use actix_web::{HttpResponse, ResponseError};
use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;

use crate::environments::EnvironmentError;
use crate::error::ApiError;

/// The error body of every endpoint.
#[derive(Serialize, ToSchema)]
pub struct ErrorBody {
    /// A human-readable message.
    #[schema(example = "container limit reached")]
    pub error: String,
    /// A stable, machine-readable code.
    #[schema(example = "CONTAINER_LIMIT_REACHED")]
    pub code: String,
    /// Structured context, such as the fields that failed validation.
    #[schema(nullable)]
    pub details: Option<serde_json::Value>,
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }

    fn error_response(&self) -> HttpResponse {
        let mut response = HttpResponse::build(self.status_code());
        if let Some(seconds) = self.retry_after_seconds {
            response.insert_header((header::RETRY_AFTER, seconds.to_string()));
        }
        response.json(self.body())
    }
}

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
            EnvironmentError::LimitReached {
                current,
                limit,
                tier,
            } => ApiError::forbidden("CONTAINER_LIMIT_REACHED", "container limit reached")
                .with_field("current", current)
                .with_field("limit", limit)
                .with_field("tier", tier)
                .with_field("message", "Upgrade your plan to create more containers"),
            EnvironmentError::EngineUnavailable { details } => {
                with_details(ApiError::engine_unavailable(), details)
            }
            EnvironmentError::EngineFailed { code, message } => {
                ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, code, message)
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
