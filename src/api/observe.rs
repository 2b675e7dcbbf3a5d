//! The outermost middleware: a request id on every request and response, one JSON log line
//! per request, the HTTP metrics, and the API's error body on bodiless errors.

use std::time::Instant;

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::middleware::Next;
use actix_web::{web, Error};
use tracing::Instrument;

use super::errors::{ensure_error_body, NotTheApis};
use crate::state::AppState;

pub const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

pub async fn observe(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let request_id = incoming_request_id(&req).unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
    // Label by route pattern, not path, so ids in paths do not explode the series count.
    // Finding the pattern walks every route; a preview's requests, which come by the
    // thousand for one page, skip that walk and share one label.
    let route = match super::previews::host::is_preview_traffic(&req) {
        true => "preview".to_string(),
        false => req.match_pattern().unwrap_or_else(|| "unmatched".into()),
    };
    let method = req.method().to_string();
    let metrics = req
        .app_data::<web::Data<AppState>>()
        .map(|state| state.metrics.clone());
    let span =
        tracing::info_span!("request", request_id = %request_id, method = %method, route = %route);
    let started = Instant::now();

    let response = next.call(req).instrument(span.clone()).await?;
    let mut response = ensure_error_body(response);

    let elapsed = started.elapsed();
    let status = response.status().as_u16();
    if let Some(metrics) = metrics {
        metrics.observe_request(&route, &method, status, elapsed.as_secs_f64());
    }
    if let Ok(value) = HeaderValue::from_str(&request_id) {
        response.headers_mut().insert(REQUEST_ID, value);
    }
    // A preview's traffic is the app's (every asset of every page): counted, and logged
    // only when asked for, so it cannot drown the API's own lines or cost them CPU.
    let app_traffic = response.response().extensions().contains::<NotTheApis>();
    span.in_scope(|| match app_traffic {
        true => tracing::debug!(
            status,
            latency_ms = elapsed.as_secs_f64() * 1000.0,
            "preview request"
        ),
        false => tracing::info!(
            status,
            path = %response.request().path(),
            latency_ms = elapsed.as_secs_f64() * 1000.0,
            "request"
        ),
    });
    Ok(response)
}

/// A caller's own request id is kept when it is short and printable, so ids can be followed
/// across services without letting a client inject junk into the logs.
fn incoming_request_id(req: &ServiceRequest) -> Option<String> {
    let value = req.headers().get(REQUEST_ID)?.to_str().ok()?;
    let valid = !value.is_empty()
        && value.len() <= 128
        && value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_.:".contains(c));
    valid.then(|| value.to_string())
}
