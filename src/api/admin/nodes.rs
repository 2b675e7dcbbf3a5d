//! `GET /api/admin/nodes`: the engines environments run on, and their state.

use actix_web::{web, HttpResponse};

use crate::api::error::ErrorBody;
use crate::error::{ApiError, ApiResult};
use crate::model::Node;
use crate::state::AppState;

/// Every node: its engine, labels, capacity, sandboxd version, state (`active`, `draining`
/// or `down` once it misses its heartbeats) and last heartbeat.
#[utoipa::path(get, path = "/api/admin/nodes", tag = "admin", security(("bearer" = [])),
    responses(
        (status = 200, body = Vec<Node>),
        (status = 401, body = ErrorBody),
        (status = 403, description = "Not an admin", body = ErrorBody),
    ))]
pub async fn list(state: web::Data<AppState>) -> ApiResult<HttpResponse> {
    let nodes = state.nodes.list().await.map_err(ApiError::from)?;
    Ok(HttpResponse::Ok().json(nodes))
}
