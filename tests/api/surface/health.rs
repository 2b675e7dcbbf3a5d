use serde_json::Value;

use crate::support::app::{assert_error, spawn_app, spawn_app_with};

#[tokio::test]
async fn healthz_answers_while_the_process_lives() {
    let app = spawn_app().await;
    let response = app.get("/healthz", None).await;
    assert_eq!(response.status(), 200);
}

#[tokio::test]
async fn readyz_checks_postgres_redis_and_docker() {
    let app = spawn_app().await;
    let response = app.get("/readyz", None).await;
    let status = response.status();
    let body: Value = response.json().await.unwrap();
    assert_eq!(status, 200, "{body}");
    for part in ["postgres", "redis", "docker"] {
        assert_eq!(body["checks"][part], "ok");
    }
}

#[tokio::test]
async fn readyz_names_redis_when_it_is_unreachable() {
    let app = spawn_app_with(|settings| settings.redis_url = "redis://127.0.0.1:1/0".into()).await;
    let body = assert_error(app.get("/readyz", None).await, 503, "NOT_READY").await;
    assert!(body["error"].as_str().unwrap().contains("redis"), "{body}");
    assert!(body["details"]["checks"]["redis"]
        .as_str()
        .unwrap()
        .starts_with("down"));
    assert_eq!(body["details"]["checks"]["postgres"], "ok");
    // What does not need Redis keeps working.
    app.register("still-works").await;
}

#[tokio::test]
async fn every_response_carries_a_request_id_and_keeps_a_given_one() {
    let app = spawn_app().await;
    let response = app.get("/healthz", None).await;
    let generated = response.headers()["x-request-id"].to_str().unwrap();
    assert_eq!(generated.len(), 36);
    let response = app
        .request(reqwest::Method::GET, "/nowhere", None)
        .header("x-request-id", "trace-42")
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["x-request-id"], "trace-42");
}

#[tokio::test]
async fn metrics_count_requests_by_route_and_status_with_latency() {
    let app = spawn_app().await;
    app.get("/healthz", None).await;
    app.get("/api/me", None).await;
    let text = app.get("/metrics", None).await.text().await.unwrap();
    assert!(
        text.contains(
            r#"sandboxd_http_requests_total{method="GET",route="/healthz",status="200"} 1"#
        ),
        "{text}"
    );
    assert!(text
        .contains(r#"sandboxd_http_requests_total{method="GET",route="/api/me",status="401"} 1"#));
    assert!(text.contains("sandboxd_http_request_duration_seconds_bucket"));
    assert!(
        text.contains(r#"sandboxd_environments{status="running"} 0"#),
        "{text}"
    );
    assert!(text.contains("sandboxd_queue_depth 0"), "{text}");
}
