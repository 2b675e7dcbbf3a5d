//! Errors at the edge: every service's error becomes the one error body (`crate::error`)
//! here (`from_services`), and only here, and is sent with its HTTP status.

mod from_services;

use actix_web::http::{header, StatusCode};
use actix_web::{HttpResponse, ResponseError};
use serde::Serialize;
use utoipa::ToSchema;

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
