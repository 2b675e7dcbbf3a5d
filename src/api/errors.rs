//! Turns every failure actix produces on its own (bad JSON, wrong content type, oversized
//! body, unknown route, wrong method) into the API's error body.

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::ServiceResponse;
use actix_web::error::{JsonPayloadError, PathError, QueryPayloadError};
use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpRequest, HttpResponse, ResponseError};

use crate::error::ApiError;

pub fn json_config(max_body_bytes: usize) -> web::JsonConfig {
    web::JsonConfig::default()
        .limit(max_body_bytes)
        .error_handler(move |err, _req| json_error(err, max_body_bytes).into())
}

fn json_error(err: JsonPayloadError, limit: usize) -> ApiError {
    match err {
        JsonPayloadError::ContentType => ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "UNSUPPORTED_MEDIA_TYPE",
            "the body must be JSON, sent with Content-Type: application/json",
        ),
        JsonPayloadError::Overflow { .. } | JsonPayloadError::OverflowKnownLength { .. } => {
            too_large(limit)
        }
        JsonPayloadError::Deserialize(cause) => {
            ApiError::bad_request("INVALID_JSON", format!("invalid JSON body: {cause}"))
        }
        other => ApiError::bad_request("INVALID_JSON", format!("unreadable body: {other}")),
    }
}

fn too_large(limit: usize) -> ApiError {
    ApiError::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        "PAYLOAD_TOO_LARGE",
        format!("the body is larger than {limit} bytes"),
    )
}

pub fn path_config() -> web::PathConfig {
    web::PathConfig::default().error_handler(|err: PathError, _req| {
        ApiError::bad_request("INVALID_PATH", format!("invalid path parameter: {err}")).into()
    })
}

pub fn query_config() -> web::QueryConfig {
    web::QueryConfig::default().error_handler(|err: QueryPayloadError, _req| {
        ApiError::bad_request("INVALID_QUERY", format!("invalid query string: {err}")).into()
    })
}

/// The answer to a path no route matches.
pub async fn route_not_found(req: HttpRequest) -> HttpResponse {
    ApiError::not_found(
        "ROUTE_NOT_FOUND",
        format!("no route for {} {}", req.method(), req.path()),
    )
    .error_response()
}

/// Marks a response that is not the API's (a preview's): its errors keep their own body.
pub struct NotTheApis;

/// Gives an error response that has no JSON body (such as actix's own 405) the API's body.
pub fn ensure_error_body<B: MessageBody + 'static>(
    response: ServiceResponse<B>,
) -> ServiceResponse<BoxBody> {
    if response.response().extensions().contains::<NotTheApis>() {
        return response.map_into_boxed_body();
    }
    let status = response.status();
    let is_json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.starts_with("application/json"));
    if !(status.is_client_error() || status.is_server_error()) || is_json {
        return response.map_into_boxed_body();
    }
    let error = match status {
        StatusCode::METHOD_NOT_ALLOWED => ApiError::new(
            status,
            "METHOD_NOT_ALLOWED",
            format!("{} is not allowed here", response.request().method()),
        ),
        StatusCode::PAYLOAD_TOO_LARGE => {
            ApiError::new(status, "PAYLOAD_TOO_LARGE", "the body is too large")
        }
        StatusCode::NOT_FOUND => ApiError::not_found("ROUTE_NOT_FOUND", "not found"),
        StatusCode::UNSUPPORTED_MEDIA_TYPE => {
            ApiError::new(status, "UNSUPPORTED_MEDIA_TYPE", "unsupported content type")
        }
        _ if status.is_server_error() => {
            ApiError::new(status, "INTERNAL_ERROR", "internal server error")
        }
        _ => ApiError::new(
            status,
            "BAD_REQUEST",
            status.canonical_reason().unwrap_or("bad request"),
        ),
    };
    let (request, original) = response.into_parts();
    let mut replaced = error.error_response();
    for (name, value) in original.headers() {
        if name != header::CONTENT_TYPE && name != header::CONTENT_LENGTH {
            replaced.headers_mut().insert(name.clone(), value.clone());
        }
    }
    ServiceResponse::new(request, replaced)
}
