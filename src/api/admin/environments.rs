//! Every environment, and the service's figures, for admins.

use actix_web::{web, HttpResponse};

use crate::admin::environments::EnvironmentFilter;
use crate::admin::environments::EnvironmentPage;
use crate::admin::stats::AdminStats;
use crate::api::error::ErrorBody;
use crate::api::extract::AdminCaller;
use crate::environments::view::ContainerView;
use crate::error::ApiResult;
use crate::state::AppState;

/// Environments of all users, filtered by user_id, status, tier and image.
#[utoipa::path(get, path = "/api/admin/containers", tag = "admin", security(("bearer" = [])),
    params(EnvironmentFilter), responses((status = 200, body = EnvironmentPage), (status = 403, body = ErrorBody)))]
pub async fn list(
    state: web::Data<AppState>,
    _admin: AdminCaller,
    filter: web::Query<EnvironmentFilter>,
) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(state.admin.environments(&filter).await?))
}

/// Stops anyone's environment now, keeping its files.
#[utoipa::path(post, path = "/api/admin/containers/{id}/stop", tag = "admin", security(("bearer" = [])),
    params(("id" = String, Path)),
    responses(
        (status = 200, body = ContainerView),
        (status = 404, description = "CONTAINER_NOT_FOUND", body = ErrorBody),
        (status = 409, description = "CONTAINER_ALREADY_STOPPED", body = ErrorBody),
    ))]
pub async fn force_stop(
    state: web::Data<AppState>,
    _admin: AdminCaller,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let row = state.admin.force_stop(&id).await?;
    Ok(HttpResponse::Ok().json(ContainerView::from(row)))
}

/// Deletes anyone's environment with its storage.
#[utoipa::path(delete, path = "/api/admin/containers/{id}", tag = "admin", security(("bearer" = [])),
    params(("id" = String, Path)),
    responses((status = 204), (status = 202, description = "Deleted; the engine finishes removing its container in the background"), (status = 404, description = "CONTAINER_NOT_FOUND", body = ErrorBody)))]
pub async fn delete(
    state: web::Data<AppState>,
    _admin: AdminCaller,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let deletion = state.admin.delete_environment(&id).await?;
    if deletion.finished {
        Ok(HttpResponse::NoContent().finish())
    } else {
        // The environment is gone for everyone; the engine still has to let go of it.
        Ok(HttpResponse::Accepted().finish())
    }
}

/// Environments by status and tier, what running ones were given, and the engine's host.
#[utoipa::path(get, path = "/api/admin/stats", tag = "admin", security(("bearer" = [])),
    responses((status = 200, body = AdminStats), (status = 403, body = ErrorBody)))]
pub async fn stats(state: web::Data<AppState>, _admin: AdminCaller) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(state.admin.stats().await?))
}
