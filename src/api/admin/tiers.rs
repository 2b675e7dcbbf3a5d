//! Tier administration.

use actix_web::{web, HttpResponse};

use crate::api::error::ErrorBody;
use crate::api::extract::AdminCaller;
use crate::error::ApiResult;
use crate::model::Tier;
use crate::state::AppState;

/// Every tier with its limits.
#[utoipa::path(get, path = "/api/admin/tiers", tag = "admin", security(("bearer" = [])),
    responses((status = 200, body = [Tier]), (status = 403, body = ErrorBody)))]
pub async fn list(state: web::Data<AppState>, _admin: AdminCaller) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(state.admin.tiers().await?))
}

/// Adds a tier.
#[utoipa::path(post, path = "/api/admin/tiers", tag = "admin", security(("bearer" = [])),
    request_body = Tier,
    responses(
        (status = 201, body = Tier),
        (status = 400, description = "INVALID_TIER, INVALID_NODE_TARGET", body = ErrorBody),
        (status = 409, description = "TIER_EXISTS", body = ErrorBody),
    ))]
pub async fn create(
    state: web::Data<AppState>,
    _admin: AdminCaller,
    body: web::Json<Tier>,
) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Created().json(state.admin.create_tier(body.into_inner()).await?))
}

/// Replaces a tier's limits; they apply to requests made from now on.
#[utoipa::path(put, path = "/api/admin/tiers/{name}", tag = "admin", security(("bearer" = [])),
    params(("name" = String, Path)), request_body = Tier,
    responses(
        (status = 200, body = Tier),
        (status = 400, description = "INVALID_TIER, INVALID_NODE_TARGET", body = ErrorBody),
        (status = 404, description = "TIER_NOT_FOUND", body = ErrorBody),
    ))]
pub async fn update(
    state: web::Data<AppState>,
    _admin: AdminCaller,
    name: web::Path<String>,
    body: web::Json<Tier>,
) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(state.admin.update_tier(&name, body.into_inner()).await?))
}

/// Deletes a tier nobody is on.
#[utoipa::path(delete, path = "/api/admin/tiers/{name}", tag = "admin", security(("bearer" = [])),
    params(("name" = String, Path)),
    responses(
        (status = 204),
        (status = 404, description = "TIER_NOT_FOUND", body = ErrorBody),
        (status = 409, description = "TIER_IN_USE", body = ErrorBody),
    ))]
pub async fn delete(
    state: web::Data<AppState>,
    _admin: AdminCaller,
    name: web::Path<String>,
) -> ApiResult<HttpResponse> {
    state.admin.delete_tier(&name).await?;
    Ok(HttpResponse::NoContent().finish())
}
