//! Snapshots and forks: `POST /api/containers/{id}/snapshots`, `GET /api/snapshots[/{id}]`,
//! `DELETE /api/snapshots/{id}`, and `POST /api/containers/{id}/fork`.

use actix_web::{web, HttpResponse};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::error::ErrorBody;
use super::extract::{Creator, Operator};
use crate::auth::{Principal, Scope};
use crate::environments::view::CreatedView;
use crate::error::{ApiError, ApiResult};
use crate::model::Snapshot;
use crate::state::AppState;

#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct NameRequest {
    /// 1-64 letters, digits and hyphens, unique among yours; generated if absent.
    #[schema(example = "before-upgrade")]
    pub name: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SnapshotList {
    pub snapshots: Vec<Snapshot>,
    pub total: usize,
}

/// Saves the environment's filesystem (running or stopped) as an image in the registry;
/// answers once it is there, ready to create from on any node.
#[utoipa::path(post, path = "/api/containers/{id}/snapshots", tag = "snapshots", security(("bearer" = [])),
    params(("id" = String, Path, description = "Environment id, docker id or name")),
    request_body(content = Option<NameRequest>, description = "Optional; a name is generated if absent"),
    responses(
        (status = 201, body = Snapshot),
        (status = 400, description = "INVALID_NAME, INVALID_JSON", body = ErrorBody),
        (status = 403, description = "SNAPSHOT_LIMIT_REACHED or SNAPSHOT_STORAGE_LIMIT_REACHED (with current, limit, tier; storage in MB), INSUFFICIENT_SCOPE", body = ErrorBody),
        (status = 404, description = "CONTAINER_NOT_FOUND, also for another user's", body = ErrorBody),
        (status = 409, description = "SNAPSHOT_NAME_TAKEN, CONTAINER_NOT_READY (still provisioning, or failed)", body = ErrorBody),
        (status = 500, description = "SNAPSHOT_FAILED, SNAPSHOT_PUSH_FAILED: nothing was kept", body = ErrorBody),
        (status = 503, description = "DOCKER_UNAVAILABLE, NODE_UNAVAILABLE", body = ErrorBody),
    ))]
#[tracing::instrument(skip_all, fields(user_id = %principal.id()))]
pub async fn create(
    state: web::Data<AppState>,
    Creator(principal): Creator,
    id: web::Path<String>,
    body: web::Bytes,
) -> ApiResult<HttpResponse> {
    principal.require(Scope::Write)?;
    let request = name_request(&body)?;
    let snapshot = state
        .environments
        .snapshots()
        .take(&principal, &id, request.name)
        .await?;
    Ok(HttpResponse::Created().json(snapshot))
}

/// The caller's snapshots, newest first.
#[utoipa::path(get, path = "/api/snapshots", tag = "snapshots", security(("bearer" = [])),
    responses((status = 200, body = SnapshotList), (status = 401, body = ErrorBody)))]
#[tracing::instrument(skip_all, fields(user_id = %principal.id()))]
pub async fn list(state: web::Data<AppState>, principal: Principal) -> ApiResult<HttpResponse> {
    principal.require(Scope::Read)?;
    let snapshots = state.environments.snapshots().list(&principal).await?;
    let total = snapshots.len();
    Ok(HttpResponse::Ok().json(SnapshotList { snapshots, total }))
}

/// One snapshot by id or name.
#[utoipa::path(get, path = "/api/snapshots/{id}", tag = "snapshots", security(("bearer" = [])),
    params(("id" = String, Path, description = "Snapshot id or name")),
    responses(
        (status = 200, body = Snapshot),
        (status = 404, description = "SNAPSHOT_NOT_FOUND, also for another user's", body = ErrorBody),
    ))]
#[tracing::instrument(skip_all, fields(user_id = %principal.id()))]
pub async fn get(
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    principal.require(Scope::Read)?;
    let snapshot = state.environments.snapshots().find(&principal, &id).await?;
    Ok(HttpResponse::Ok().json(snapshot))
}

/// Deletes a snapshot: its image leaves the registry and the nodes that keep a copy.
/// Environments made from it keep running.
#[utoipa::path(delete, path = "/api/snapshots/{id}", tag = "snapshots", security(("bearer" = [])),
    params(("id" = String, Path, description = "Snapshot id or name")),
    responses(
        (status = 204),
        (status = 404, description = "SNAPSHOT_NOT_FOUND, also for another user's", body = ErrorBody),
        (status = 409, description = "SNAPSHOT_IN_USE: an environment is being created from it", body = ErrorBody),
        (status = 503, description = "DOCKER_UNAVAILABLE: the registry could not be reached; nothing was deleted", body = ErrorBody),
    ))]
#[tracing::instrument(skip_all, fields(user_id = %principal.id()))]
pub async fn delete(
    state: web::Data<AppState>,
    Operator(principal): Operator,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    principal.require(Scope::Write)?;
    state
        .environments
        .snapshots()
        .delete(&principal, &id)
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// A new environment from the current filesystem of a running (or stopped) one: its shape (image, role,
/// shell options, resources, variables, labels), its owner and node, a name of its own.
/// Provisioned like a create; it counts towards the same quota.
#[utoipa::path(post, path = "/api/containers/{id}/fork", tag = "snapshots", security(("bearer" = [])),
    params(("id" = String, Path, description = "Environment id, docker id or name")),
    request_body(content = Option<NameRequest>, description = "Optional; a name is generated if absent"),
    responses(
        (status = 202, body = CreatedView),
        (status = 400, description = "INVALID_NAME, INVALID_JSON", body = ErrorBody),
        (status = 403, description = "CONTAINER_LIMIT_REACHED (with current, limit, tier, message), INSUFFICIENT_SCOPE", body = ErrorBody),
        (status = 404, description = "CONTAINER_NOT_FOUND, also for another user's", body = ErrorBody),
        (status = 409, description = "CONTAINER_NAME_TAKEN, CONTAINER_NOT_READY (still provisioning, or failed)", body = ErrorBody),
        (status = 500, description = "FORK_FAILED: nothing was made", body = ErrorBody),
        (status = 503, description = "DOCKER_UNAVAILABLE, NODE_UNAVAILABLE", body = ErrorBody),
    ))]
#[tracing::instrument(skip_all, fields(user_id = %principal.id()))]
pub async fn fork(
    state: web::Data<AppState>,
    Creator(principal): Creator,
    id: web::Path<String>,
    body: web::Bytes,
) -> ApiResult<HttpResponse> {
    principal.require(Scope::Write)?;
    let request = name_request(&body)?;
    let row = state
        .environments
        .forks()
        .fork(&principal, &id, request.name)
        .await?;
    Ok(HttpResponse::Accepted().json(CreatedView::from(row)))
}

/// An empty body asks for a generated name.
fn name_request(body: &[u8]) -> ApiResult<NameRequest> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(NameRequest::default());
    }
    serde_json::from_slice(body)
        .map_err(|err| ApiError::bad_request("INVALID_JSON", format!("invalid body: {err}")))
}
