//! `/api/auth/*`: sign-up, log-in, guest sessions, log-out.

use std::time::Duration;

use actix_web::{web, HttpRequest, HttpResponse};

use super::client_ip::client_ip;
use super::error::ErrorBody;
use crate::auth::accounts::{LoginRequest, RegisterRequest, SessionView, UserView};
use crate::auth::rate_limit::Limit;
use crate::auth::Principal;
use crate::error::ApiResult;
use crate::state::AppState;

const WINDOW: Duration = Duration::from_secs(60);

/// Counts one attempt against the caller's address and, when known, the account it names.
async fn limit(
    state: &AppState,
    bucket: &str,
    req: &HttpRequest,
    account: Option<&str>,
) -> ApiResult<()> {
    let settings = &state.settings;
    let per_ip = Limit {
        requests: settings.auth_rate_limit_per_ip,
        window: WINDOW,
    };
    let ip = client_ip(req, settings);
    state
        .limiter
        .hit(&format!("{bucket}:ip"), &ip, per_ip)
        .await?;
    if let Some(account) = account {
        let per_account = Limit {
            requests: settings.auth_rate_limit_per_account,
            window: WINDOW,
        };
        let bucket = format!("{bucket}:account");
        state.limiter.hit(&bucket, account, per_account).await?;
    }
    Ok(())
}

/// Creates an account on the free tier.
#[utoipa::path(post, path = "/api/auth/register", tag = "auth", request_body = RegisterRequest,
    responses(
        (status = 201, body = UserView),
        (status = 400, description = "Validation failed", body = ErrorBody),
        (status = 409, description = "EMAIL_TAKEN or USERNAME_TAKEN", body = ErrorBody),
        (status = 429, description = "Rate limited; see Retry-After", body = ErrorBody),
    ))]
#[tracing::instrument(skip_all)]
pub async fn register(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: web::Json<RegisterRequest>,
) -> ApiResult<HttpResponse> {
    limit(&state, "register", &req, Some(&body.email)).await?;
    let user = state.auth.register(body.into_inner()).await?;
    tracing::info!(user_id = %user.id, "account registered");
    Ok(HttpResponse::Created().json(UserView::from(&user)))
}

/// Exchanges a login (email or username) and password for a JWT access token.
#[utoipa::path(post, path = "/api/auth/login", tag = "auth", request_body = LoginRequest,
    responses(
        (status = 200, body = SessionView),
        (status = 400, description = "Validation failed", body = ErrorBody),
        (status = 401, description = "INVALID_CREDENTIALS, whichever part was wrong", body = ErrorBody),
        (status = 429, description = "Rate limited; see Retry-After", body = ErrorBody),
    ))]
#[tracing::instrument(skip_all)]
pub async fn login(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: web::Json<LoginRequest>,
) -> ApiResult<HttpResponse> {
    // Failed logins are counted by the auth service, per account and address.
    limit(&state, "login", &req, None).await?;
    let ip = client_ip(&req, &state.settings);
    let session = state.auth.login(body.into_inner(), &ip).await?;
    Ok(HttpResponse::Ok().json(session))
}

/// Creates a guest account on the guest tier and logs it in until the account expires.
#[utoipa::path(post, path = "/api/auth/guest", tag = "auth",
    responses(
        (status = 201, body = SessionView),
        (status = 429, description = "Rate limited; see Retry-After", body = ErrorBody),
    ))]
#[tracing::instrument(skip_all)]
pub async fn guest(state: web::Data<AppState>, req: HttpRequest) -> ApiResult<HttpResponse> {
    limit(&state, "guest", &req, None).await?;
    let ip = client_ip(&req, &state.settings);
    let session = state.auth.guest(Some(&ip)).await?;
    Ok(HttpResponse::Created().json(session))
}

/// Ends the session (or revokes the API token) the request was made with, at once.
#[utoipa::path(post, path = "/api/auth/logout", tag = "auth", security(("bearer" = [])),
    responses(
        (status = 204, description = "The credential no longer works"),
        (status = 401, body = ErrorBody),
    ))]
#[tracing::instrument(skip_all, fields(user_id = %principal.id()))]
pub async fn logout(state: web::Data<AppState>, principal: Principal) -> ApiResult<HttpResponse> {
    state.auth.logout(&principal).await?;
    Ok(HttpResponse::NoContent().finish())
}
