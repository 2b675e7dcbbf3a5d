//! `POST /api/containers/start-all|stop-all|restart-all` and `/api/containers/batch`.

use actix_web::{web, HttpResponse};
use serde::Deserialize;
use utoipa::ToSchema;

use super::error::ErrorBody;
use super::extract::Operator;
use super::lifecycle::TimeoutQuery;
use crate::auth::{Principal, Scope};
use crate::environments::lifecycle::{stop_timeout, Action};
use crate::environments::BulkOutcome;
use crate::error::ApiResult;
use crate::state::AppState;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct BatchRequest {
    /// start, stop or restart
    action: String,
    /// Environment ids, docker ids or names.
    container_ids: Vec<String>,
    /// Grace period in seconds for stop and restart (1-300, default 10).
    timeout: Option<i32>,
}

/// Starts every one of the caller's environments; those already running are reported failed.
#[utoipa::path(post, path = "/api/containers/start-all", tag = "containers", security(("bearer" = [])),
    responses((status = 200, body = BulkOutcome), (status = 401, body = ErrorBody)))]
#[tracing::instrument(skip_all, fields(user_id = %principal.id()))]
pub async fn start_all(
    state: web::Data<AppState>,
    Operator(principal): Operator,
) -> ApiResult<HttpResponse> {
    all(&state, &principal, Action::Start, None).await
}

/// Stops every one of the caller's environments.
#[utoipa::path(post, path = "/api/containers/stop-all", tag = "containers", security(("bearer" = [])),
    params(TimeoutQuery),
    responses((status = 200, body = BulkOutcome), (status = 400, description = "INVALID_TIMEOUT", body = ErrorBody)))]
#[tracing::instrument(skip_all, fields(user_id = %principal.id()))]
pub async fn stop_all(
    state: web::Data<AppState>,
    Operator(principal): Operator,
    query: web::Query<TimeoutQuery>,
) -> ApiResult<HttpResponse> {
    all(&state, &principal, Action::Stop, query.timeout).await
}

/// Restarts every one of the caller's environments.
#[utoipa::path(post, path = "/api/containers/restart-all", tag = "containers", security(("bearer" = [])),
    params(TimeoutQuery),
    responses((status = 200, body = BulkOutcome), (status = 400, description = "INVALID_TIMEOUT", body = ErrorBody)))]
#[tracing::instrument(skip_all, fields(user_id = %principal.id()))]
pub async fn restart_all(
    state: web::Data<AppState>,
    Operator(principal): Operator,
    query: web::Query<TimeoutQuery>,
) -> ApiResult<HttpResponse> {
    all(&state, &principal, Action::Restart, query.timeout).await
}

/// Starts, stops or restarts the named environments; ids not the caller's are reported
/// "Container not found".
#[utoipa::path(post, path = "/api/containers/batch", tag = "containers", security(("bearer" = [])),
    request_body = BatchRequest,
    responses(
        (status = 200, body = BulkOutcome),
        (status = 400, description = "INVALID_ACTION, EMPTY_CONTAINER_LIST or INVALID_TIMEOUT", body = ErrorBody),
    ))]
#[tracing::instrument(skip_all, fields(user_id = %principal.id()))]
pub async fn batch(
    state: web::Data<AppState>,
    Operator(principal): Operator,
    body: web::Json<BatchRequest>,
) -> ApiResult<HttpResponse> {
    principal.require(Scope::Write)?;
    let action = Action::parse(&body.action)?;
    let timeout = stop_timeout(body.timeout)?;
    let outcome = state
        .environments
        .lifecycle()
        .power_batch(&principal, &body.container_ids, action, timeout)
        .await?;
    Ok(HttpResponse::Ok().json(outcome))
}

async fn all(
    state: &AppState,
    principal: &Principal,
    action: Action,
    timeout: Option<i32>,
) -> ApiResult<HttpResponse> {
    principal.require(Scope::Write)?;
    let timeout = stop_timeout(timeout)?;
    let outcome = state
        .environments
        .lifecycle()
        .power_all(principal, action, timeout)
        .await?;
    Ok(HttpResponse::Ok().json(outcome))
}
