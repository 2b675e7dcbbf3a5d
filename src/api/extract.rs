//! Request extractors shared by the handlers: the authenticated caller and their address.

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{web, FromRequest, HttpMessage, HttpRequest};
use futures_util::future::LocalBoxFuture;
use uuid::Uuid;

use crate::auth::rate_limit::Bucket;
use crate::auth::Principal;
use crate::config::Settings;
use crate::error::ApiError;
use crate::state::AppState;

/// Who made a request, left in its extensions by the authentication extractor.
#[derive(Clone, Debug)]
pub struct Actor {
    pub id: Uuid,
    pub name: String,
}

impl FromRequest for Principal {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let state = req.app_data::<web::Data<AppState>>().cloned();
        let bearer = bearer(req);
        let req = req.clone();
        Box::pin(async move {
            let state = state.ok_or_else(|| ApiError::internal("application state missing"))?;
            let bearer = bearer.ok_or_else(|| {
                ApiError::unauthorized("missing credentials: send Authorization: Bearer <token>")
            })?;
            let principal = state.auth.authenticate(&bearer).await?;
            req.extensions_mut().insert(Actor {
                id: principal.id().uuid(),
                name: principal.user.username.clone(),
            });
            Ok(principal)
        })
    }
}

/// A caller operating on existing environments (lifecycle, stats, exec, export, bulk): they
/// share one rate-limit pool per user, as the Nekzus API has it. Plain reads do not count.
pub struct Operator(pub Principal);

/// A caller creating an environment: creates have their own, tighter pool.
pub struct Creator(pub Principal);

impl FromRequest for Operator {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let limited = limited(req, payload, "container-ops", |s| Bucket {
            per_minute: s.container_ops_per_minute,
            burst: s.container_ops_burst,
        });
        Box::pin(async move { limited.await.map(Operator) })
    }
}

impl FromRequest for Creator {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let limited = limited(req, payload, "creates", |s| Bucket {
            per_minute: s.creates_per_minute,
            burst: s.creates_burst,
        });
        Box::pin(async move { limited.await.map(Creator) })
    }
}

/// A caller with the admin scope (the admin role's sessions, or admin tokens). Checked as the
/// request is extracted, so a non-admin learns nothing from how the body would be judged.
#[derive(Clone)]
pub struct AdminCaller(pub Principal);

impl FromRequest for AdminCaller {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        // The admin middleware has usually checked already and left the caller here.
        if let Some(principal) = req.extensions().get::<AdminCaller>() {
            let principal = principal.0.clone();
            return Box::pin(async move { Ok(AdminCaller(principal)) });
        }
        let principal = Principal::from_request(req, payload);
        Box::pin(async move {
            let principal = principal.await?;
            principal.require(crate::auth::Scope::Admin)?;
            Ok(AdminCaller(principal))
        })
    }
}

/// Refuses non-admins on `/api/admin/...` before anything else about the request is looked
/// at: handlers' other extractors (a JSON body) could otherwise answer first.
pub async fn require_admin(
    mut req: actix_web::dev::ServiceRequest,
    next: actix_web::middleware::Next<impl actix_web::body::MessageBody + 'static>,
) -> Result<actix_web::dev::ServiceResponse<actix_web::body::BoxBody>, actix_web::Error> {
    match req.extract::<AdminCaller>().await {
        Ok(admin) => {
            req.extensions_mut().insert(admin);
            Ok(next.call(req).await?.map_into_boxed_body())
        }
        Err(refused) => Ok(req.error_response(refused)),
    }
}

/// Authenticates, then takes a token from the caller's `bucket`.
fn limited(
    req: &HttpRequest,
    payload: &mut Payload,
    bucket: &'static str,
    limit: fn(&Settings) -> Bucket,
) -> LocalBoxFuture<'static, Result<Principal, ApiError>> {
    let state = req.app_data::<web::Data<AppState>>().cloned();
    let principal = Principal::from_request(req, payload);
    Box::pin(async move {
        let principal = principal.await?;
        let state = state.ok_or_else(|| ApiError::internal("application state missing"))?;
        let subject = principal.id().to_string();
        state
            .limiter
            .take(bucket, &subject, limit(&state.settings))
            .await?;
        Ok(principal)
    })
}

/// The bearer credential: from the Authorization header, or for WebSocket upgrades (which
/// browsers cannot give headers) from `?token=`.
fn bearer(req: &HttpRequest) -> Option<String> {
    let from_header = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| {
            let (scheme, token) = value.split_once(' ')?;
            scheme
                .eq_ignore_ascii_case("bearer")
                .then(|| token.trim().to_string())
        });
    from_header.or_else(|| {
        if !req.path().starts_with("/ws/") {
            return None;
        }
        web::Query::<TokenQuery>::from_query(req.query_string())
            .ok()
            .map(|query| query.into_inner().token)
    })
}

#[derive(serde::Deserialize)]
struct TokenQuery {
    token: String,
}
