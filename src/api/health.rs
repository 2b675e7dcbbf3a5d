use actix_web::{web, HttpResponse};
use serde_json::{json, Map, Value};

use crate::error::ApiError;
use crate::state::AppState;

/// Liveness: the process answers.
#[utoipa::path(get, path = "/healthz", tag = "operations",
    responses((status = 200, description = "The process is alive")))]
pub async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(json!({ "status": "ok" }))
}

/// Readiness: Postgres, Redis and the Docker engine each answer.
#[utoipa::path(get, path = "/readyz", tag = "operations",
    responses(
        (status = 200, description = "Every dependency answers"),
        (status = 503, description = "Names each dependency that is down", body = crate::api::openapi::ErrorBody),
    ))]
pub async fn readyz(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let timeout = std::time::Duration::from_secs(2);
    let postgres = async {
        tokio::time::timeout(timeout, sqlx::query("SELECT 1").execute(&state.pool))
            .await
            .map_err(|_| anyhow::anyhow!("timed out"))?
            .map(|_| ())
            .map_err(anyhow::Error::from)
    };
    let redis = async {
        tokio::time::timeout(timeout, state.kv.ping())
            .await
            .map_err(|_| anyhow::anyhow!("timed out"))?
    };
    let (postgres, redis, docker) = tokio::join!(postgres, redis, state.runtime.ping());
    let mut checks = Map::new();
    let mut down = Vec::new();
    for (name, outcome) in [("postgres", postgres), ("redis", redis), ("docker", docker)] {
        let verdict = match outcome {
            Ok(()) => "ok".to_string(),
            Err(err) => {
                down.push(name);
                format!("down: {err}")
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
