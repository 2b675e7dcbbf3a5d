//! Environments on another node: reached through the engine that node registered, and left to
//! that node's own housekeeping. One engine stands for both nodes here; what is checked is
//! that the way to an environment comes from its node's record, and that without a record
//! there is none.

use std::time::Duration;

use serde_json::{json, Value};
use sqlx::PgPool;

use crate::support::app::{assert_error, spawn_app_with, TestApp};
use crate::support::engine;
use crate::support::provisioning::user_with_environment;

async fn place(db: &PgPool, id: &str, node: Option<&str>) {
    sqlx::query("UPDATE containers SET node = $2 WHERE id = $1::uuid")
        .bind(id)
        .bind(node)
        .execute(db)
        .await
        .unwrap();
}

async fn echo(app: &TestApp, token: &str, id: &str) -> reqwest::Response {
    app.post(
        &format!("/api/containers/{id}/exec"),
        Some(token),
        &json!({"command": ["echo", "reached"]}),
    )
    .await
}

#[tokio::test]
async fn an_environment_is_reached_through_its_nodes_engine_and_reconciled_only_by_its_node() {
    let app = spawn_app_with(|settings| {
        settings.node.name = "home".into();
        settings.housekeeping_every = Duration::from_millis(300);
    })
    .await;
    let (token, id) = user_with_environment(&app, "traveller").await;
    let db = PgPool::connect(&app.settings.database_url).await.unwrap();
    sqlx::query(
        "INSERT INTO nodes (name, engine, cpus, memory_mb, version) VALUES ('away', $1, 1, 1024, 't')",
    )
    .bind(&app.settings.docker_host)
    .execute(&db)
    .await
    .unwrap();

    place(&db, &id, Some("away")).await;
    let response = echo(&app, &token, &id).await;
    assert_eq!(response.status(), 202);
    let job: Value = response.json().await.unwrap();
    assert_eq!(job["results"][0]["stdout"], "reached\n", "{job}");

    place(&db, &id, Some("never-registered")).await;
    assert_error(echo(&app, &token, &id).await, 503, "DOCKER_UNAVAILABLE").await;

    // Stopped behind sandboxd's back on a node that is not this process's: its own
    // housekeeping compares it with its engine, this process must not.
    place(&db, &id, Some("away")).await;
    let container = format!("sbx-{id}");
    let stop = engine::docker(&app.settings, &["stop", "-t", "1", &container]);
    assert!(stop.status.success(), "{stop:?}");
    // Past the reconciler's settling time (5 s), over many rounds.
    tokio::time::sleep(Duration::from_secs(7)).await;
    assert_eq!(app.container(&token, &id).await.1["status"], "running");
    place(&db, &id, None).await;
    app.wait_status(&token, &id, "stopped", Duration::from_secs(15))
        .await;

    place(&db, &id, Some("away")).await;
    let response = app
        .delete(&format!("/api/containers/{id}"), Some(&token))
        .await;
    assert!(response.status().is_success(), "{}", response.status());
    let inspect = engine::docker(&app.settings, &["inspect", &container]);
    assert!(!inspect.status.success(), "the container is still there");
}
