//! Preview links (`POST /api/containers/{id}/ports/{port}/link`) and what they lead to
//! (`/preview/{link}/...`): the request is passed to the environment's port as it came, and
//! the answer streamed back, neither held in memory whole.

use std::time::Duration;

use actix_web::http::header::{self, HeaderName};
use actix_web::{web, HttpRequest, HttpResponse};
use serde::Deserialize;
use utoipa::ToSchema;

use super::error::ErrorBody;
use super::extract::Operator;
use crate::auth::Scope;
use crate::error::{ApiError, ApiResult};
use crate::previews::PreviewLink;
use crate::state::AppState;

/// A slow dev server gets this long to start answering.
const ANSWER_WITHIN: Duration = Duration::from_secs(60);

thread_local! {
    /// One client per server thread (awc's is bound to its thread), so connections to the
    /// environments are kept alive and reused across requests instead of made for each.
    static CLIENT: awc::Client = awc::Client::builder().timeout(ANSWER_WITHIN).finish();
}

#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct LinkRequest {
    /// How long the link works: 1 s to 7 days, default 1 hour.
    expires_in_seconds: Option<u32>,
}

/// A signed link to a port of the environment, for a browser: whoever holds it reaches that
/// port until it expires.
#[utoipa::path(post, path = "/api/containers/{id}/ports/{port}/link", tag = "containers", security(("bearer" = [])),
    params(
        ("id" = String, Path, description = "Environment id, docker id or name"),
        ("port" = u16, Path, description = "The port the web app listens on inside the environment"),
    ),
    request_body = LinkRequest,
    responses(
        (status = 201, body = PreviewLink),
        (status = 400, description = "INVALID_PREVIEW", body = ErrorBody),
        (status = 401, body = ErrorBody),
        (status = 403, description = "The token lacks the write scope", body = ErrorBody),
        (status = 404, description = "No such environment of the caller's", body = ErrorBody),
    ))]
pub async fn create(
    state: web::Data<AppState>,
    Operator(principal): Operator,
    path: web::Path<(String, u16)>,
    body: Option<web::Json<LinkRequest>>,
) -> ApiResult<HttpResponse> {
    principal.require(Scope::Write)?;
    let (id, port) = path.into_inner();
    let ttl = body.and_then(|body| body.expires_in_seconds);
    let link = state
        .previews
        .link(
            &principal,
            &id,
            port,
            ttl,
            state.settings.public_url.as_deref(),
        )
        .await?;
    Ok(HttpResponse::Created().json(link))
}

/// Passes the request on to the environment's port.
pub async fn proxy(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<(String, String)>,
    body: web::Payload,
) -> ApiResult<HttpResponse> {
    let (link, rest) = path.into_inner();
    let target = state.previews.target(&link).await?;
    let query = req
        .uri()
        .query()
        .map(|query| format!("?{query}"))
        .unwrap_or_default();
    let url = format!("http://{target}/{rest}{query}");
    let mut forward =
        CLIENT.with(|client| client.request(req.method().clone(), url).no_decompress());
    for (name, value) in req.headers() {
        if passes(name) {
            forward = forward.append_header((name.clone(), value.clone()));
        }
    }
    let answer = forward.send_stream(body).await.map_err(|err| {
        tracing::debug!(error = %err, "preview target did not answer");
        ApiError::new(
            crate::error::status::BAD_GATEWAY,
            "PREVIEW_UNREACHABLE",
            "nothing answered on that port of the environment",
        )
    })?;
    let mut response = HttpResponse::build(answer.status());
    for (name, value) in answer.headers() {
        if passes(name) {
            response.append_header((name.clone(), value.clone()));
        }
    }
    Ok(response.streaming(answer))
}

/// Hop-by-hop headers belong to one connection, not to the request or answer passed on.
fn passes(name: &HeaderName) -> bool {
    !matches!(
        *name,
        header::CONNECTION
            | header::HOST
            | header::TE
            | header::TRAILER
            | header::TRANSFER_ENCODING
            | header::UPGRADE
            | header::PROXY_AUTHENTICATE
            | header::PROXY_AUTHORIZATION
            | header::CONTENT_LENGTH
    ) && name.as_str() != "keep-alive"
}
