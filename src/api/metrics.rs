use actix_web::{web, HttpResponse};

use crate::state::AppState;

/// Prometheus text exposition of the service's metrics. Gauges read from Postgres and Redis
/// are refreshed on each scrape; one that cannot be read keeps its last value.
#[utoipa::path(get, path = "/metrics", tag = "operations",
    responses((status = 200, description = "Prometheus text format", content_type = "text/plain")))]
pub async fn metrics(state: web::Data<AppState>) -> HttpResponse {
    let census = state.environments.census().await;
    if let Some(counts) = census.by_status {
        state.metrics.set_environments(&counts);
    }
    if let Some(depth) = census.queued {
        state.metrics.queue_depth.set(depth as i64);
    }
    state
        .metrics
        .terminals
        .set(state.terminals.open_count() as i64);
    HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4")
        .body(state.metrics.render())
}
