//! The audit trail: every state-changing API call is recorded once answered, with who made
//! it (when they authenticated), the route and its target, the address and the status.
//! `GET /api/admin/audit` shows everyone's; `GET /api/audit-logs` the caller's own.

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::Method;
use actix_web::middleware::Next;
use actix_web::{web, Error, HttpMessage, HttpResponse};
use serde::Deserialize;
use utoipa::IntoParams;
use uuid::Uuid;

use super::client_ip::client_ip;
use super::error::ErrorBody;
use super::extract::{Actor, AdminCaller};
use super::previews::host::is_preview_traffic;
use crate::admin::audit::AuditPage;
use crate::auth::{Principal, Scope};
use crate::error::{ApiError, ApiResult, DATABASE_UNAVAILABLE};
use crate::model::NewAuditEntry;
use crate::state::AppState;

pub async fn audit<B: MessageBody + 'static>(
    req: ServiceRequest,
    next: Next<B>,
) -> Result<ServiceResponse<B>, Error> {
    let changes_state = matches!(
        *req.method(),
        Method::POST | Method::PUT | Method::PATCH | Method::DELETE
    );
    // A preview host's requests are the app's own, whatever their path: not API calls.
    let api_call = req.path().starts_with("/api/") && !is_preview_traffic(&req);
    if !changes_state || !api_call {
        return next.call(req).await;
    }
    let response = next.call(req).await?;
    if database_was_unavailable(&response) {
        // The request already waited out the pool's timeout; a write would wait it out again
        // and fail the same way.
        tracing::warn!(
            path = response.request().path(),
            "audit entry not written: the database is unavailable"
        );
        return Ok(response);
    }
    let request = response.request();
    let Some(state) = request.app_data::<web::Data<AppState>>().cloned() else {
        return Ok(response);
    };
    let actor = request.extensions().get::<Actor>().cloned();
    let pattern = request
        .match_pattern()
        .unwrap_or_else(|| request.path().to_string());
    let action = format!("{} {pattern}", request.method());
    let info = request.match_info();
    let target = info
        .get("id")
        .or_else(|| info.get("name"))
        .map(str::to_string);
    let ip = client_ip(request, &state.settings);
    let entry = NewAuditEntry {
        actor_id: actor.as_ref().map(|a| a.id),
        actor: actor.as_ref().map(|a| a.name.as_str()),
        action: &action,
        target: target.as_deref(),
        ip: &ip,
        status: response.status().as_u16(),
    };
    match state.admin.record(entry).await {
        Ok(true) => {}
        Ok(false) => state.metrics.audit_unrecorded.inc(),
        Err(err) => tracing::error!(error = %err, "could not write the audit log"),
    }
    Ok(response)
}

fn database_was_unavailable<B>(response: &ServiceResponse<B>) -> bool {
    response
        .response()
        .error()
        .and_then(|err| err.as_error::<ApiError>())
        .is_some_and(|err| err.code == DATABASE_UNAVAILABLE)
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct AuditQuery {
    /// Only this actor's entries (admin view).
    actor_id: Option<Uuid>,
    /// Only this action, e.g. `POST /api/containers/{id}/stop`.
    action: Option<String>,
    /// 1-200, default 50.
    limit: Option<i64>,
    offset: Option<i64>,
}

/// Everyone's state-changing calls, newest first.
#[utoipa::path(get, path = "/api/admin/audit", tag = "admin", security(("bearer" = [])),
    params(AuditQuery), responses((status = 200, body = AuditPage), (status = 403, body = ErrorBody)))]
pub async fn all(
    state: web::Data<AppState>,
    _admin: AdminCaller,
    query: web::Query<AuditQuery>,
) -> ApiResult<HttpResponse> {
    page(&state, query.actor_id, &query).await
}

/// The caller's own state-changing calls, newest first.
#[utoipa::path(get, path = "/api/audit-logs", tag = "auth", security(("bearer" = [])),
    params(AuditQuery), responses((status = 200, body = AuditPage), (status = 401, body = ErrorBody)))]
pub async fn own(
    state: web::Data<AppState>,
    principal: Principal,
    query: web::Query<AuditQuery>,
) -> ApiResult<HttpResponse> {
    principal.require(Scope::Read)?;
    page(&state, Some(principal.id().uuid()), &query).await
}

async fn page(
    state: &AppState,
    actor: Option<Uuid>,
    query: &AuditQuery,
) -> ApiResult<HttpResponse> {
    let page = state
        .admin
        .audit_page(actor, query.action.as_deref(), query.limit, query.offset)
        .await?;
    Ok(HttpResponse::Ok().json(page))
}
