//! `POST /api/containers/{id}/pause|resume`: answered when done (the engine takes some tens
//! of milliseconds), with the environment as it then is; also reported on /ws/events as
//! `container.pause.completed` or `container.resume.completed` (`.failed` on failure).

use actix_web::{web, HttpResponse};

use super::error::ErrorBody;
use super::extract::Operator;
use crate::auth::Scope;
use crate::environments::view::ContainerView;
use crate::error::ApiResult;
use crate::state::AppState;

/// Freezes a running environment's processes in place: its memory is kept and it uses no
/// CPU until resumed. A terminal, exec or file operation resumes it by itself.
#[utoipa::path(post, path = "/api/containers/{id}/pause", tag = "containers", security(("bearer" = [])),
    params(("id" = String, Path, description = "Environment id, docker id or name")),
    responses(
        (status = 200, description = "Paused: `status` paused", body = ContainerView),
        (status = 404, description = "CONTAINER_NOT_FOUND, also for another user's", body = ErrorBody),
        (status = 409, description = "CONTAINER_ALREADY_PAUSED, CONTAINER_NOT_RUNNING (stopped), CONTAINER_NOT_READY or CONTAINER_EXPIRED", body = ErrorBody),
        (status = 429, description = "RATE_LIMITED: container operations share one pool per user", body = ErrorBody),
        (status = 500, description = "CONTAINER_PAUSE_FAILED", body = ErrorBody),
        (status = 503, description = "ENGINE_UNAVAILABLE or NODE_UNAVAILABLE", body = ErrorBody),
    ))]
#[tracing::instrument(skip_all, fields(user_id = %principal.id()))]
pub async fn pause(
    state: web::Data<AppState>,
    Operator(principal): Operator,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    principal.require(Scope::Write)?;
    let row = state.environments.pausing().pause(&principal, &id).await?;
    Ok(HttpResponse::Ok().json(ContainerView::from(row)))
}

/// Thaws a paused environment: its processes carry on where they were.
#[utoipa::path(post, path = "/api/containers/{id}/resume", tag = "containers", security(("bearer" = [])),
    params(("id" = String, Path, description = "Environment id, docker id or name")),
    responses(
        (status = 200, description = "Resumed: `status` running", body = ContainerView),
        (status = 404, description = "CONTAINER_NOT_FOUND, also for another user's", body = ErrorBody),
        (status = 409, description = "CONTAINER_NOT_PAUSED or CONTAINER_EXPIRED", body = ErrorBody),
        (status = 429, description = "RATE_LIMITED: container operations share one pool per user", body = ErrorBody),
        (status = 500, description = "CONTAINER_RESUME_FAILED", body = ErrorBody),
        (status = 503, description = "ENGINE_UNAVAILABLE or NODE_UNAVAILABLE", body = ErrorBody),
    ))]
#[tracing::instrument(skip_all, fields(user_id = %principal.id()))]
pub async fn resume(
    state: web::Data<AppState>,
    Operator(principal): Operator,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    principal.require(Scope::Write)?;
    let row = state.environments.pausing().resume(&principal, &id).await?;
    Ok(HttpResponse::Ok().json(ContainerView::from(row)))
}
