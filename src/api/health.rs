use actix_web::{web, HttpResponse};
use serde_json::{json, Map, Value};

use crate::auth::{Principal, Scope};
use crate::error::ApiError;
use crate::state::AppState;

/// Liveness: the process answers.
#[utoipa::path(get, path = "/healthz", tag = "operations",
    responses((status = 200, description = "The process is alive")))]
pub async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(json!({ "status": "ok" }))
}

/// Readiness: Postgres, Redis and the Docker engine each answer. Why one is down (its error,
/// which can name hosts and paths) is told only to admins; everyone else learns which.
#[utoipa::path(get, path = "/readyz", tag = "operations",
    responses(
        (status = 200, description = "Every dependency answers"),
        (status = 503, description = "Names each dependency that is down", body = crate::api::error::ErrorBody),
    ))]
pub async fn readyz(
    state: web::Data<AppState>,
    caller: Option<Principal>,
) -> Result<HttpResponse, ApiError> {
    let admin = caller.is_some_and(|caller| caller.has(Scope::Admin));
    let outcomes = state.health.check().await;
    let mut checks = Map::new();
    let mut down = Vec::new();
    for (name, outcome) in outcomes {
        let verdict = match outcome {
            Ok(()) => "ok".to_string(),
            Err(err) => {
                down.push(name);
                tracing::warn!(dependency = name, error = %err, "not ready");
                if admin {
                    format!("down: {err}")
                } else {
                    "down".to_string()
                }
            }
        };
        checks.insert(name.to_string(), Value::String(verdict));
    }
    if down.is_empty() {
        return Ok(HttpResponse::Ok().json(json!({ "status": "ready", "checks": checks })));
    }
    Err(
        ApiError::unavailable("NOT_READY", format!("not ready: {} down", down.join(", ")))
            .with_details(json!({ "checks": checks })),
    )
}
