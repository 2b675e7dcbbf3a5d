//! `/api/tokens`: API tokens for scripts.

use actix_web::{web, HttpResponse};
use uuid::Uuid;

use super::error::ErrorBody;
use crate::auth::tokens::{CreateTokenRequest, CreatedToken};
use crate::auth::{Principal, Scope};
use crate::error::{ApiError, ApiResult};
use crate::model::ApiToken;
use crate::state::AppState;

/// Creates a token; its secret is in this response only.
#[utoipa::path(post, path = "/api/tokens", tag = "tokens", security(("bearer" = [])),
    request_body = CreateTokenRequest,
    responses(
        (status = 201, body = CreatedToken),
        (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody),
        (status = 403, description = "Needs write, and every scope granted", body = ErrorBody),
    ))]
#[tracing::instrument(skip_all, fields(user_id = %principal.id()))]
pub async fn create(
    state: web::Data<AppState>,
    principal: Principal,
    body: web::Json<CreateTokenRequest>,
) -> ApiResult<HttpResponse> {
    principal.require(Scope::Write)?;
    let created = state
        .auth
        .create_token(&principal, body.into_inner())
        .await?;
    tracing::info!(token_id = %created.id, "api token created");
    Ok(HttpResponse::Created().json(created))
}

/// Lists the caller's live tokens: prefix, scopes, created, last used, expiry.
#[utoipa::path(get, path = "/api/tokens", tag = "tokens", security(("bearer" = [])),
    responses(
        (status = 200, body = [ApiToken]),
        (status = 401, body = ErrorBody),
        (status = 403, description = "Needs read", body = ErrorBody),
    ))]
#[tracing::instrument(skip_all, fields(user_id = %principal.id()))]
pub async fn list(state: web::Data<AppState>, principal: Principal) -> ApiResult<HttpResponse> {
    principal.require(Scope::Read)?;
    Ok(HttpResponse::Ok().json(state.auth.list_tokens(&principal).await?))
}

/// Revokes one of the caller's tokens; it stops working at once.
#[utoipa::path(delete, path = "/api/tokens/{id}", tag = "tokens", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The token's id")),
    responses(
        (status = 204, description = "Revoked"),
        (status = 401, body = ErrorBody),
        (status = 403, description = "Needs write", body = ErrorBody),
        (status = 404, description = "TOKEN_NOT_FOUND, also for another user's token", body = ErrorBody),
    ))]
#[tracing::instrument(skip_all, fields(user_id = %principal.id()))]
pub async fn revoke(
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    principal.require(Scope::Write)?;
    let id = Uuid::parse_str(&id)
        .map_err(|_| ApiError::not_found("TOKEN_NOT_FOUND", "no such token"))?;
    state.auth.revoke_token(&principal, id).await?;
    Ok(HttpResponse::NoContent().finish())
}
