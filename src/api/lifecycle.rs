//! `POST /api/containers/{id}/start|stop|restart`: accepted at once; the outcome arrives on
//! /ws/events as `container.<action>.completed` or `container.<action>.failed`.

use actix_web::{web, HttpResponse};
use serde::Deserialize;
use utoipa::IntoParams;

use super::error::ErrorBody;
use super::extract::Operator;
use crate::auth::{Principal, Scope};
use crate::environments::lifecycle::{stop_timeout, Accepted, Action};
use crate::error::ApiResult;
use crate::state::AppState;

#[derive(Debug, Deserialize, IntoParams)]
pub struct TimeoutQuery {
    /// Seconds to wait for the shell to stop before it is killed (1-300, default 10).
    pub timeout: Option<i32>,
}

/// Starts a stopped environment.
#[utoipa::path(post, path = "/api/containers/{id}/start", tag = "containers", security(("bearer" = [])),
    params(("id" = String, Path, description = "Environment id, docker id or name")),
    responses(
        (status = 202, body = Accepted),
        (status = 404, description = "CONTAINER_NOT_FOUND", body = ErrorBody),
        (status = 409, description = "CONTAINER_ALREADY_STARTED or CONTAINER_NOT_READY", body = ErrorBody),
    ))]
#[tracing::instrument(skip_all, fields(user_id = %principal.id()))]
pub async fn start(
    state: web::Data<AppState>,
    Operator(principal): Operator,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    act(&state, &principal, &id, Action::Start, None).await
}

/// Stops a running environment; its files stay, and start brings it back.
#[utoipa::path(post, path = "/api/containers/{id}/stop", tag = "containers", security(("bearer" = [])),
    params(("id" = String, Path, description = "Environment id, docker id or name"), TimeoutQuery),
    responses(
        (status = 202, body = Accepted),
        (status = 400, description = "INVALID_TIMEOUT", body = ErrorBody),
        (status = 404, description = "CONTAINER_NOT_FOUND", body = ErrorBody),
        (status = 409, description = "CONTAINER_ALREADY_STOPPED or CONTAINER_NOT_READY", body = ErrorBody),
    ))]
#[tracing::instrument(skip_all, fields(user_id = %principal.id()))]
pub async fn stop(
    state: web::Data<AppState>,
    Operator(principal): Operator,
    id: web::Path<String>,
    query: web::Query<TimeoutQuery>,
) -> ApiResult<HttpResponse> {
    act(&state, &principal, &id, Action::Stop, query.timeout).await
}

/// Restarts an environment, stopping it first with the given grace period.
#[utoipa::path(post, path = "/api/containers/{id}/restart", tag = "containers", security(("bearer" = [])),
    params(("id" = String, Path, description = "Environment id, docker id or name"), TimeoutQuery),
    responses(
        (status = 202, body = Accepted),
        (status = 400, description = "INVALID_TIMEOUT", body = ErrorBody),
        (status = 404, description = "CONTAINER_NOT_FOUND", body = ErrorBody),
        (status = 409, description = "CONTAINER_NOT_READY", body = ErrorBody),
    ))]
#[tracing::instrument(skip_all, fields(user_id = %principal.id()))]
pub async fn restart(
    state: web::Data<AppState>,
    Operator(principal): Operator,
    id: web::Path<String>,
    query: web::Query<TimeoutQuery>,
) -> ApiResult<HttpResponse> {
    act(&state, &principal, &id, Action::Restart, query.timeout).await
}

async fn act(
    state: &AppState,
    principal: &Principal,
    id: &str,
    action: Action,
    timeout: Option<i32>,
) -> ApiResult<HttpResponse> {
    principal.require(Scope::Write)?;
    let timeout = stop_timeout(timeout)?;
    let accepted = state
        .environments
        .lifecycle()
        .power(principal, id, action, timeout)
        .await?;
    Ok(HttpResponse::Accepted().json(accepted))
}
