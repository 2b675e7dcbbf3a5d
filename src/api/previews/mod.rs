//! Previews at the edge: the API that lists ports, hands out links, makes ports public and
//! shares them (here), and the proxy that opens them (`gate`, by host or by path).

mod admission;
mod client;
pub mod door;
mod forward;
pub mod gate;
mod headers;
pub mod host;
mod judge;
mod page;
mod tunnel;

use actix_web::{web, HttpRequest, HttpResponse};
use serde::Deserialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::error::ErrorBody;
use super::extract::Operator;
use crate::auth::{Principal, Scope};
use crate::error::ApiResult;
use crate::model::PreviewShare;
use crate::previews::{PortsView, PreviewLink};
use crate::state::AppState;

#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct LinkRequest {
    /// How long the link may be opened: 1 s to 1 hour, default 5 minutes. The browser it
    /// lets in stays in for 12 hours.
    expires_in_seconds: Option<u32>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct VisibilityRequest {
    /// True: anyone may open the port, with no credentials. False: only the owner.
    public: bool,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ShareRequest {
    /// 60 s to 7 days.
    #[schema(example = 86400)]
    expires_in_seconds: u32,
}

/// The ports the environment listens on now, each with its preview URL and visibility.
#[utoipa::path(get, path = "/api/containers/{id}/ports", tag = "previews", security(("bearer" = [])),
    params(("id" = String, Path, description = "Environment id, docker id or name")),
    responses(
        (status = 200, body = PortsView),
        (status = 401, body = ErrorBody),
        (status = 404, description = "No such environment of the caller's", body = ErrorBody),
    ))]
pub async fn ports(
    state: web::Data<AppState>,
    principal: Principal,
    req: HttpRequest,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    principal.require(Scope::Read)?;
    let origin = host::origin(&req, &state.settings);
    let ports = state.previews.ports(&principal, &id, &origin).await?;
    Ok(HttpResponse::Ok().json(ports))
}

/// A short-lived link that lets the owner's browser into one port of the environment:
/// opening it sets a cookie for that preview alone.
#[utoipa::path(post, path = "/api/containers/{id}/ports/{port}/link", tag = "previews", security(("bearer" = [])),
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
pub async fn link(
    state: web::Data<AppState>,
    Operator(principal): Operator,
    req: HttpRequest,
    path: web::Path<(String, u16)>,
    body: Option<web::Json<LinkRequest>>,
) -> ApiResult<HttpResponse> {
    principal.require(Scope::Write)?;
    let (id, port) = path.into_inner();
    let ttl = body.and_then(|body| body.expires_in_seconds);
    let origin = host::origin(&req, &state.settings);
    let link = state
        .previews
        .link(&principal, &id, port, ttl, &origin)
        .await?;
    Ok(HttpResponse::Created().json(link))
}

/// Makes a port public (anyone may open it) or private again (only the owner).
#[utoipa::path(put, path = "/api/containers/{id}/ports/{port}", tag = "previews", security(("bearer" = [])),
    params(
        ("id" = String, Path, description = "Environment id, docker id or name"),
        ("port" = u16, Path, description = "A port inside the environment"),
    ),
    request_body = VisibilityRequest,
    responses(
        (status = 204, description = "Done"),
        (status = 400, description = "INVALID_PREVIEW", body = ErrorBody),
        (status = 401, body = ErrorBody),
        (status = 403, description = "The token lacks the write scope", body = ErrorBody),
        (status = 404, description = "No such environment of the caller's", body = ErrorBody),
    ))]
pub async fn visibility(
    state: web::Data<AppState>,
    Operator(principal): Operator,
    path: web::Path<(String, u16)>,
    body: web::Json<VisibilityRequest>,
) -> ApiResult<HttpResponse> {
    principal.require(Scope::Write)?;
    let (id, port) = path.into_inner();
    state
        .previews
        .set_public(&principal, &id, port, body.public)
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// A link anyone may open a port with until it expires or is revoked.
#[utoipa::path(post, path = "/api/containers/{id}/ports/{port}/shares", tag = "previews", security(("bearer" = [])),
    params(
        ("id" = String, Path, description = "Environment id, docker id or name"),
        ("port" = u16, Path, description = "A port inside the environment"),
    ),
    request_body = ShareRequest,
    responses(
        (status = 201, body = PreviewShare),
        (status = 400, description = "INVALID_PREVIEW", body = ErrorBody),
        (status = 401, body = ErrorBody),
        (status = 403, description = "The token lacks the write scope", body = ErrorBody),
        (status = 404, description = "No such environment of the caller's", body = ErrorBody),
    ))]
pub async fn share(
    state: web::Data<AppState>,
    Operator(principal): Operator,
    req: HttpRequest,
    path: web::Path<(String, u16)>,
    body: web::Json<ShareRequest>,
) -> ApiResult<HttpResponse> {
    principal.require(Scope::Write)?;
    let (id, port) = path.into_inner();
    let origin = host::origin(&req, &state.settings);
    let share = state
        .previews
        .share(&principal, &id, port, body.expires_in_seconds, &origin)
        .await?;
    Ok(HttpResponse::Created().json(share))
}

/// The environment's share links, newest first, including those ended within a day.
#[utoipa::path(get, path = "/api/containers/{id}/shares", tag = "previews", security(("bearer" = [])),
    params(("id" = String, Path, description = "Environment id, docker id or name")),
    responses(
        (status = 200, body = Vec<PreviewShare>),
        (status = 401, body = ErrorBody),
        (status = 404, description = "No such environment of the caller's", body = ErrorBody),
    ))]
pub async fn shares(
    state: web::Data<AppState>,
    principal: Principal,
    req: HttpRequest,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    principal.require(Scope::Read)?;
    let origin = host::origin(&req, &state.settings);
    let shares = state.previews.shares(&principal, &id, &origin).await?;
    Ok(HttpResponse::Ok().json(shares))
}

/// Revokes a share link: it stops working within seconds.
#[utoipa::path(delete, path = "/api/containers/{id}/shares/{share_id}", tag = "previews", security(("bearer" = [])),
    params(
        ("id" = String, Path, description = "Environment id, docker id or name"),
        ("share_id" = Uuid, Path, description = "The share's id"),
    ),
    responses(
        (status = 204, description = "Revoked"),
        (status = 400, description = "INVALID_PATH: not a share id", body = ErrorBody),
        (status = 401, body = ErrorBody),
        (status = 403, description = "The token lacks the write scope", body = ErrorBody),
        (status = 404, description = "No such environment or share of the caller's (revoking twice is no error)", body = ErrorBody),
    ))]
pub async fn revoke_share(
    state: web::Data<AppState>,
    Operator(principal): Operator,
    path: web::Path<(String, Uuid)>,
) -> ApiResult<HttpResponse> {
    principal.require(Scope::Write)?;
    let (id, share) = path.into_inner();
    state.previews.revoke_share(&principal, &id, share).await?;
    Ok(HttpResponse::NoContent().finish())
}
