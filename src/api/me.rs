use actix_web::{web, HttpResponse};

use super::error::ErrorBody;
use crate::auth::profile::ProfileView;
use crate::auth::{Principal, Scope};
use crate::environments::Offer;
use crate::error::ApiResult;
use crate::state::AppState;

/// The caller, their tier with its limits, and their usage.
#[utoipa::path(get, path = "/api/me", tag = "auth", security(("bearer" = [])),
    responses(
        (status = 200, body = ProfileView),
        (status = 401, body = ErrorBody),
        (status = 403, description = "INSUFFICIENT_SCOPE: needs read", body = ErrorBody),
    ))]
#[tracing::instrument(skip_all, fields(user_id = %principal.id()))]
pub async fn me(state: web::Data<AppState>, principal: Principal) -> ApiResult<HttpResponse> {
    principal.require(Scope::Read)?;
    Ok(HttpResponse::Ok().json(state.auth.profile(&principal).await?))
}

/// What the caller may ask for at create: the images their tier allows, roles and themes.
#[utoipa::path(get, path = "/api/images", tag = "containers", security(("bearer" = [])),
    responses(
        (status = 200, body = Offer),
        (status = 401, body = ErrorBody),
        (status = 403, description = "INSUFFICIENT_SCOPE: needs read", body = ErrorBody),
    ))]
#[tracing::instrument(skip_all, fields(user_id = %principal.id()))]
pub async fn images(state: web::Data<AppState>, principal: Principal) -> ApiResult<HttpResponse> {
    principal.require(Scope::Read)?;
    Ok(HttpResponse::Ok().json(state.environments.intake().offer(&principal).await?))
}
