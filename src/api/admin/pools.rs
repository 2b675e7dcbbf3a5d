//! `/api/admin/pools`: warm pools, per node: which image, role and tier shape to keep ready
//! and how many. A create of that shape then takes a ready environment.

use actix_web::{web, HttpResponse};
use uuid::Uuid;

use crate::api::error::ErrorBody;
use crate::api::extract::AdminCaller;
use crate::error::ApiResult;
use crate::model::Pool;
use crate::nodes::{NewPoolRequest, PoolResize};
use crate::state::AppState;

/// Every pool with its members counted: `ready` to be taken, `making`.
#[utoipa::path(get, path = "/api/admin/pools", tag = "admin", security(("bearer" = [])),
    responses(
        (status = 200, body = Vec<Pool>),
        (status = 403, description = "Not an admin", body = ErrorBody),
    ))]
pub async fn list(state: web::Data<AppState>, _admin: AdminCaller) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(state.nodes.pools().await?))
}

/// Keeps `size` environments of a catalogue image, a role and a tier's default limits
/// ready on a node; its workers make them within seconds.
#[utoipa::path(post, path = "/api/admin/pools", tag = "admin", security(("bearer" = [])),
    request_body = NewPoolRequest,
    responses(
        (status = 201, body = Pool),
        (status = 400, description = "UNSUPPORTED_IMAGE, INVALID_ROLE, INVALID_POOL_SIZE", body = ErrorBody),
        (status = 403, body = ErrorBody),
        (status = 404, description = "NODE_NOT_FOUND, TIER_NOT_FOUND", body = ErrorBody),
        (status = 409, description = "POOL_EXISTS", body = ErrorBody),
    ))]
pub async fn create(
    state: web::Data<AppState>,
    _admin: AdminCaller,
    body: web::Json<NewPoolRequest>,
) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Created().json(state.nodes.add_pool(body.into_inner()).await?))
}

#[utoipa::path(get, path = "/api/admin/pools/{id}", tag = "admin", security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    responses(
        (status = 200, body = Pool),
        (status = 403, body = ErrorBody),
        (status = 404, description = "POOL_NOT_FOUND", body = ErrorBody),
    ))]
pub async fn get(
    state: web::Data<AppState>,
    _admin: AdminCaller,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(state.nodes.pool(*id).await?))
}

/// A new size: more are made, extra ready ones removed, at the node's next round; 0 is off.
#[utoipa::path(patch, path = "/api/admin/pools/{id}", tag = "admin", security(("bearer" = [])),
    params(("id" = Uuid, Path)), request_body = PoolResize,
    responses(
        (status = 200, body = Pool),
        (status = 400, description = "INVALID_POOL_SIZE", body = ErrorBody),
        (status = 403, body = ErrorBody),
        (status = 404, description = "POOL_NOT_FOUND", body = ErrorBody),
    ))]
pub async fn resize(
    state: web::Data<AppState>,
    _admin: AdminCaller,
    id: web::Path<Uuid>,
    body: web::Json<PoolResize>,
) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(state.nodes.resize_pool(*id, body.size).await?))
}

/// Removes the pool; its ready environments are removed by their node.
#[utoipa::path(delete, path = "/api/admin/pools/{id}", tag = "admin", security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    responses(
        (status = 204),
        (status = 403, body = ErrorBody),
        (status = 404, description = "POOL_NOT_FOUND", body = ErrorBody),
    ))]
pub async fn remove(
    state: web::Data<AppState>,
    _admin: AdminCaller,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    state.nodes.remove_pool(*id).await?;
    Ok(HttpResponse::NoContent().finish())
}
