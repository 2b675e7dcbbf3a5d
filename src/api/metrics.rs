use actix_web::{web, HttpResponse};

use crate::db;
use crate::state::AppState;

/// Prometheus text exposition of the service's metrics. Gauges read from Postgres and Redis
/// are refreshed on each scrape; one that cannot be read keeps its last value.
#[utoipa::path(get, path = "/metrics", tag = "operations",
    responses((status = 200, description = "Prometheus text format", content_type = "text/plain")))]
pub async fn metrics(state: web::Data<AppState>) -> HttpResponse {
    if let Ok(counts) = db::containers::count_by_status(&state.pool).await {
        state.metrics.set_environments(&counts);
    }
    if let Ok(depth) = state.provisioner.queue.depth().await {
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
