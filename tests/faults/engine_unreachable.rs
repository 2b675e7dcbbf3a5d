//! The engine outage seen from processes whose engine is missing, beside a healthy app over the
//! same database: safe to run with every other test, unlike restarting the real engine.

use std::time::{Duration, Instant};

use serde_json::{json, Value};
use tokio_tungstenite::tungstenite;

use crate::support::app::{assert_error, spawn_app_beside, spawn_app_with};
use crate::support::checks::*;
use crate::support::engine::WorkerProcess;
use crate::support::provisioning::{user_with_environment, READY_WITHIN};
use crate::support::ws;

const MISSING_ENGINE: &str = "unix:///run/sandboxd-faults-no-engine.sock";

/// Long enough for a job to use up three attempts (retries after 2 s and 4 s, each found by
/// a sweep) had the outage counted against it.
const OUTAGE: Duration = Duration::from_secs(16);

#[tokio::test]
async fn without_an_engine_stats_exec_and_terminals_answer_503_and_reads_go_on() {
    let app = spawn_app_with(|_| {}).await;
    let (token, id) = user_with_environment(&app, "engine-gone").await;
    let blind = spawn_app_beside(&app, |settings| {
        settings.docker_host = MISSING_ENGINE.into();
        settings.workers = 0;
    })
    .await;

    assert_unavailable(
        blind.get(&format!("/api/containers/{id}/stats"), Some(&token)),
        "DOCKER_UNAVAILABLE",
    )
    .await;
    let body = assert_unavailable(
        blind.post(
            &format!("/api/containers/{id}/exec"),
            Some(&token),
            &json!({"command": ["true"]}),
        ),
        "DOCKER_UNAVAILABLE",
    )
    .await;
    // The failed job stays on record.
    let job = body["details"]["job_id"].as_str().unwrap();
    let view: Value = blind
        .get(&format!("/api/jobs/{job}"), Some(&token))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(view["status"], "failed", "{view}");
    let path = format!("/ws/terminal/{id}?token={token}");
    match ws::connect(&blind, &path).await {
        Err(tungstenite::Error::Http(response)) => {
            assert_eq!(response.status(), 503);
            let body: Value = serde_json::from_slice(response.body().as_deref().unwrap()).unwrap();
            assert_eq!(body["code"], "TERMINAL_UNAVAILABLE", "{body}");
        }
        other => panic!("a terminal opened without an engine: {other:?}"),
    }
    let body = assert_error(blind.get("/readyz", None).await, 503, "NOT_READY").await;
    assert!(body["error"].as_str().unwrap().contains("docker"), "{body}");
    assert_eq!(blind.get("/healthz", None).await.status(), 200);
    let (status, env) = blind.container(&token, &id).await;
    assert_eq!((status, env["status"].as_str()), (200, Some("running")));
}

#[tokio::test]
async fn a_job_waits_out_an_unreachable_engine_without_using_up_its_attempts() {
    let app = spawn_app_with(|settings| settings.workers = 0).await;
    // The node was registered while its engine answered; its engine is gone now, and its
    // worker starts without it.
    let pool = sqlx::PgPool::connect(&app.settings.database_url)
        .await
        .unwrap();
    sqlx::query(
        "INSERT INTO nodes (name, engine, cpus, memory_mb, version) VALUES ($1, $2, 2, 4096, 't')",
    )
    .bind(&app.settings.node.name)
    .bind(&app.settings.docker_host)
    .execute(&pool)
    .await
    .unwrap();
    let token = app.user_token("engine-patient").await;
    let id = app.creating_busybox(&token).await;
    let mut blind = app.settings.clone();
    blind.docker_host = MISSING_ENGINE.into();
    let worker = WorkerProcess::start(&blind);

    let started = Instant::now();
    while started.elapsed() < OUTAGE {
        let (_, env) = app.container(&token, &id).await;
        assert_eq!(env["status"], "creating", "{env}");
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    let (attempts, last_error) = job_of(&app, &id).await;
    assert!(attempts <= 1, "{attempts} attempts counted");
    assert!(
        last_error.contains("waiting for the container engine"),
        "{last_error}"
    );

    worker.kill();
    let _worker = WorkerProcess::start(&app.settings);
    app.wait_running(&token, &id, READY_WITHIN).await;
    assert_eq!(containers_by_environment(&app).get(&id), Some(&1));
}

/// The job's attempts and last error, straight from Postgres.
async fn job_of(app: &crate::support::app::TestApp, container_id: &str) -> (i32, String) {
    let pool = sqlx::PgPool::connect(&app.settings.database_url)
        .await
        .unwrap();
    let row: (i32, Option<String>) = sqlx::query_as(
        "SELECT attempts, last_error FROM provision_jobs WHERE container_id = $1::uuid",
    )
    .bind(container_id)
    .fetch_one(&pool)
    .await
    .unwrap();
    (row.0, row.1.unwrap_or_default())
}
