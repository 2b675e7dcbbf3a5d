//! `/api/admin/nodes`: the engines environments run on, their state and what they hold;
//! their labels and overcommit edited, drained and undrained, and removed.

use actix_web::{web, HttpResponse};

use crate::api::error::ErrorBody;
use crate::api::extract::AdminCaller;
use crate::error::{ApiError, ApiResult};
use crate::model::{Node, NodeChanges};
use crate::state::AppState;

/// Every node: its engine, labels, capacity with overcommit, what its environments reserve,
/// how many it holds, sandboxd version, state (`active`, `draining` or `down` once it
/// misses its heartbeats) and last heartbeat.
#[utoipa::path(get, path = "/api/admin/nodes", tag = "admin", security(("bearer" = [])),
    responses(
        (status = 200, body = Vec<Node>),
        (status = 401, body = ErrorBody),
        (status = 403, description = "Not an admin", body = ErrorBody),
    ))]
pub async fn list(state: web::Data<AppState>, _admin: AdminCaller) -> ApiResult<HttpResponse> {
    let nodes = state.nodes.list().await.map_err(ApiError::from)?;
    Ok(HttpResponse::Ok().json(nodes))
}

/// One node, as the list shows it.
#[utoipa::path(get, path = "/api/admin/nodes/{name}", tag = "admin", security(("bearer" = [])),
    params(("name" = String, Path)),
    responses(
        (status = 200, body = Node),
        (status = 403, body = ErrorBody),
        (status = 404, description = "NODE_NOT_FOUND", body = ErrorBody),
    ))]
pub async fn get(
    state: web::Data<AppState>,
    _admin: AdminCaller,
    name: web::Path<String>,
) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(state.nodes.get(&name).await?))
}

/// Changes a node's labels (all at once; an admin's labels are kept when the node registers
/// again) and its CPU and memory overcommit; they count from the next placement on.
#[utoipa::path(patch, path = "/api/admin/nodes/{name}", tag = "admin", security(("bearer" = [])),
    params(("name" = String, Path)), request_body = NodeChanges,
    responses(
        (status = 200, body = Node),
        (status = 400, description = "INVALID_NODE_LABELS, INVALID_OVERCOMMIT", body = ErrorBody),
        (status = 403, body = ErrorBody),
        (status = 404, description = "NODE_NOT_FOUND", body = ErrorBody),
    ))]
pub async fn edit(
    state: web::Data<AppState>,
    _admin: AdminCaller,
    name: web::Path<String>,
    body: web::Json<NodeChanges>,
) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(state.nodes.edit(&name, body.into_inner()).await?))
}

/// Stops placing new environments on the node; those on it stay. Draining a draining node
/// changes nothing.
#[utoipa::path(post, path = "/api/admin/nodes/{name}/drain", tag = "admin", security(("bearer" = [])),
    params(("name" = String, Path)),
    responses(
        (status = 200, body = Node),
        (status = 403, body = ErrorBody),
        (status = 404, description = "NODE_NOT_FOUND", body = ErrorBody),
    ))]
pub async fn drain(
    state: web::Data<AppState>,
    _admin: AdminCaller,
    name: web::Path<String>,
) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(state.nodes.set_draining(&name, true).await?))
}

/// Lets the node take new environments again; those waiting for it are placed within a
/// second or so.
#[utoipa::path(post, path = "/api/admin/nodes/{name}/undrain", tag = "admin", security(("bearer" = [])),
    params(("name" = String, Path)),
    responses(
        (status = 200, body = Node),
        (status = 403, body = ErrorBody),
        (status = 404, description = "NODE_NOT_FOUND", body = ErrorBody),
    ))]
pub async fn undrain(
    state: web::Data<AppState>,
    _admin: AdminCaller,
    name: web::Path<String>,
) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(state.nodes.set_draining(&name, false).await?))
}

/// Removes a drained node that holds no environment. A node whose sandboxd still runs
/// registers itself again at its next heartbeat: stop it first.
#[utoipa::path(delete, path = "/api/admin/nodes/{name}", tag = "admin", security(("bearer" = [])),
    params(("name" = String, Path)),
    responses(
        (status = 204),
        (status = 403, body = ErrorBody),
        (status = 404, description = "NODE_NOT_FOUND", body = ErrorBody),
        (status = 409, description = "NODE_NOT_DRAINED, NODE_NOT_EMPTY", body = ErrorBody),
    ))]
pub async fn remove(
    state: web::Data<AppState>,
    _admin: AdminCaller,
    name: web::Path<String>,
) -> ApiResult<HttpResponse> {
    state.nodes.remove(&name).await?;
    Ok(HttpResponse::NoContent().finish())
}
