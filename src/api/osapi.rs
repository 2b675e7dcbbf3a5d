//! OSAPI's node-targeted container routes: `POST /api/node/{hostname}/container/docker` and
//! `POST /api/node/{hostname}/container/docker/{id}/exec`.

use actix_web::{web, HttpResponse};

use super::error::ErrorBody;
use super::extract::{Creator, Operator};
use crate::auth::Scope;
use crate::environments::exec::{ExecJob, ExecRequest};
use crate::environments::osapi::{CreateJob, OsapiCreateRequest};
use crate::error::ApiResult;
use crate::state::AppState;

/// One environment per targeted node: `_any` or a node's name make one, `_all` or a label
/// `key:value` one on each matching node (admins only). Each is an ordinary environment,
/// made as `POST /api/containers` makes it; on a fan-out a node that made none says why in
/// its result's `error`.
#[utoipa::path(post, path = "/api/node/{hostname}/container/docker", tag = "osapi", security(("bearer" = [])),
    params(("hostname" = String, Path, description = "_any, _all, a node's name, or a node label key:value")),
    request_body = OsapiCreateRequest,
    responses(
        (status = 202, description = "Accepted: a result per targeted node", body = CreateJob),
        (status = 400, description = "INVALID_NODE, HOST_VOLUMES_NOT_ALLOWED, HOST_PORTS_NOT_ALLOWED, COMMAND_NOT_SUPPORTED, and the create's own (UNSUPPORTED_IMAGE, INVALID_NAME, ...)", body = ErrorBody),
        (status = 401, body = ErrorBody),
        (status = 403, description = "NODE_NOT_ALLOWED (a node the tier does not list, or a fan-out by a non-admin), CONTAINER_LIMIT_REACHED, INSUFFICIENT_SCOPE", body = ErrorBody),
        (status = 404, description = "NODE_NOT_FOUND", body = ErrorBody),
        (status = 409, description = "CONTAINER_NAME_TAKEN", body = ErrorBody),
    ))]
#[tracing::instrument(skip_all, fields(user_id = %principal.id()))]
pub async fn create(
    state: web::Data<AppState>,
    Creator(principal): Creator,
    hostname: web::Path<String>,
    body: web::Json<OsapiCreateRequest>,
) -> ApiResult<HttpResponse> {
    principal.require(Scope::Write)?;
    let job = state
        .environments
        .osapi()
        .create(&principal, &hostname, body.into_inner())
        .await?;
    Ok(HttpResponse::Accepted().json(job))
}

/// Runs a command to completion (or its timeout) in one of the caller's environments, as
/// `POST /api/containers/{id}/exec` does; results name the node it ran on. `{hostname}` must
/// be `_any` or the environment's node; admins may also give `_all` or a label its node carries.
#[utoipa::path(post, path = "/api/node/{hostname}/container/docker/{id}/exec", tag = "osapi", security(("bearer" = [])),
    params(
        ("hostname" = String, Path, description = "_any, the environment's node, or (admins) _all or a label key:value"),
        ("id" = String, Path, description = "The caller's environment: id, docker id or name"),
    ),
    request_body = ExecRequest,
    responses(
        (status = 202, description = "The command ran; its result", body = ExecJob),
        (status = 400, description = "INVALID_NODE, INVALID_COMMAND, INVALID_ENV, INVALID_WORKING_DIR, INVALID_TIMEOUT", body = ErrorBody),
        (status = 401, body = ErrorBody),
        (status = 403, description = "NODE_NOT_ALLOWED (a fan-out by a non-admin), INSUFFICIENT_SCOPE", body = ErrorBody),
        (status = 404, description = "CONTAINER_NOT_FOUND: not the caller's, or not on that node", body = ErrorBody),
        (status = 409, description = "CONTAINER_NOT_RUNNING", body = ErrorBody),
        (status = 503, description = "DOCKER_UNAVAILABLE", body = ErrorBody),
    ))]
#[tracing::instrument(skip_all, fields(user_id = %principal.id()))]
pub async fn exec(
    state: web::Data<AppState>,
    Operator(principal): Operator,
    path: web::Path<(String, String)>,
    body: web::Json<ExecRequest>,
) -> ApiResult<HttpResponse> {
    principal.require(Scope::Exec)?;
    let (hostname, id) = path.into_inner();
    let job = state
        .environments
        .osapi()
        .exec(&principal, &hostname, &id, body.into_inner())
        .await?;
    Ok(HttpResponse::Accepted().json(job))
}
