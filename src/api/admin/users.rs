//! User administration.

use actix_web::{web, HttpResponse};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use crate::admin::users::{Disabled, UserDetail, UserPage};
use crate::api::error::ErrorBody;
use crate::api::extract::AdminCaller;
use crate::error::ApiResult;
use crate::model::LimitOverrides;
use crate::state::AppState;

#[derive(Debug, Deserialize, IntoParams)]
pub struct UserQuery {
    /// Part of an email or username.
    q: Option<String>,
    tier: Option<String>,
    /// 1-200, default 50.
    limit: Option<i64>,
    offset: Option<i64>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct TierChange {
    tier: String,
}

/// Users, newest first, optionally searched and filtered by tier.
#[utoipa::path(get, path = "/api/admin/users", tag = "admin", security(("bearer" = [])),
    params(UserQuery), responses((status = 200, body = UserPage), (status = 403, body = ErrorBody)))]
pub async fn list(
    state: web::Data<AppState>,
    _admin: AdminCaller,
    query: web::Query<UserQuery>,
) -> ApiResult<HttpResponse> {
    let page = state
        .admin
        .users(
            query.q.as_deref(),
            query.tier.as_deref(),
            query.limit.unwrap_or(50),
            query.offset.unwrap_or(0),
        )
        .await?;
    Ok(HttpResponse::Ok().json(page))
}

/// A user with their effective limits and own overrides.
#[utoipa::path(get, path = "/api/admin/users/{id}", tag = "admin", security(("bearer" = [])),
    params(("id" = String, Path)),
    responses((status = 200, body = UserDetail), (status = 404, description = "USER_NOT_FOUND", body = ErrorBody)))]
pub async fn get(
    state: web::Data<AppState>,
    _admin: AdminCaller,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(state.admin.user(&id).await?))
}

/// Moves a user to another tier.
#[utoipa::path(put, path = "/api/admin/users/{id}/tier", tag = "admin", security(("bearer" = [])),
    params(("id" = String, Path)), request_body = TierChange,
    responses((status = 200, body = UserDetail), (status = 404, description = "USER_NOT_FOUND or TIER_NOT_FOUND", body = ErrorBody)))]
pub async fn set_tier(
    state: web::Data<AppState>,
    _admin: AdminCaller,
    id: web::Path<String>,
    body: web::Json<TierChange>,
) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(state.admin.set_tier(&id, &body.tier).await?))
}

/// Sets the user's own limits; each one given beats the tier's.
#[utoipa::path(put, path = "/api/admin/users/{id}/limits", tag = "admin", security(("bearer" = [])),
    params(("id" = String, Path)), request_body = LimitOverrides,
    responses((status = 200, body = UserDetail), (status = 400, description = "INVALID_TIER", body = ErrorBody)))]
pub async fn set_limits(
    state: web::Data<AppState>,
    _admin: AdminCaller,
    id: web::Path<String>,
    body: web::Json<LimitOverrides>,
) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(state.admin.set_limits(&id, body.into_inner()).await?))
}

/// Drops the user's own limits: the tier's apply again.
#[utoipa::path(delete, path = "/api/admin/users/{id}/limits", tag = "admin", security(("bearer" = [])),
    params(("id" = String, Path)), responses((status = 200, body = UserDetail)))]
pub async fn clear_limits(
    state: web::Data<AppState>,
    _admin: AdminCaller,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(state.admin.clear_limits(&id).await?))
}

/// Disables a user: sessions and tokens revoked, running environments stopped.
#[utoipa::path(post, path = "/api/admin/users/{id}/disable", tag = "admin", security(("bearer" = [])),
    params(("id" = String, Path)),
    responses((status = 200, body = Disabled), (status = 409, description = "CANNOT_DISABLE_SELF", body = ErrorBody)))]
pub async fn disable(
    state: web::Data<AppState>,
    AdminCaller(admin): AdminCaller,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(state.admin.disable(&id, admin.id().uuid()).await?))
}

/// Lets a disabled user log in again (their old sessions and tokens stay revoked).
#[utoipa::path(post, path = "/api/admin/users/{id}/enable", tag = "admin", security(("bearer" = [])),
    params(("id" = String, Path)), responses((status = 200, body = UserDetail)))]
pub async fn enable(
    state: web::Data<AppState>,
    _admin: AdminCaller,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(state.admin.enable(&id).await?))
}
