//! Resource usage of the caller's environments.

use actix_web::{web, HttpResponse};

use super::error::ErrorBody;
use super::extract::Operator;
use crate::auth::Scope;
use crate::environments::stats::{BatchStats, ContainerStats};
use crate::error::ApiResult;
use crate::state::AppState;

/// CPU, memory and network figures of one running environment, from the engine.
#[utoipa::path(get, path = "/api/containers/{id}/stats", tag = "containers", security(("bearer" = [])),
    params(("id" = String, Path, description = "Environment id, docker id or name")),
    responses(
        (status = 200, body = ContainerStats),
        (status = 404, description = "CONTAINER_NOT_FOUND", body = ErrorBody),
        (status = 409, description = "CONTAINER_NOT_RUNNING", body = ErrorBody),
        (status = 500, description = "CONTAINER_STATS_FAILED", body = ErrorBody),
        (status = 503, description = "DOCKER_UNAVAILABLE: the engine cannot be reached", body = ErrorBody),
    ))]
#[tracing::instrument(skip_all, fields(user_id = %principal.id()))]
pub async fn one(
    state: web::Data<AppState>,
    Operator(principal): Operator,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    principal.require(Scope::Read)?;
    Ok(HttpResponse::Ok().json(state.environments.stats().of(&principal, &id).await?))
}

/// Figures for each of the caller's running environments; stopped ones are left out.
#[utoipa::path(get, path = "/api/containers/stats", tag = "containers", security(("bearer" = [])),
    responses((status = 200, body = BatchStats), (status = 401, body = ErrorBody)))]
#[tracing::instrument(skip_all, fields(user_id = %principal.id()))]
pub async fn all(
    state: web::Data<AppState>,
    Operator(principal): Operator,
) -> ApiResult<HttpResponse> {
    principal.require(Scope::Read)?;
    Ok(HttpResponse::Ok().json(state.environments.stats().all(&principal).await?))
}
