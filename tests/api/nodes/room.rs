//! What a node holds: creates from two API processes at once never overfill it, and an
//! environment with no room waits, is placed when room appears, or ends in `NO_CAPACITY`.

use std::time::Duration;

use futures_util::future::join_all;
use serde_json::json;
use sqlx::PgPool;

use super::{database, set_memory_overcommit, small_busybox};
use crate::support::app::{spawn_app_beside, spawn_app_with};
use crate::support::provisioning::READY_WITHIN;

/// A node registered by hand with one CPU and no overcommit: room for four environments
/// of a quarter CPU each. Nothing needs to be made on it: only its records are counted.
async fn small_node(db: &PgPool, engine: &str) {
    sqlx::query(
        "INSERT INTO nodes (name, engine, cpus, memory_mb, version, cpu_overcommit, memory_overcommit)
         VALUES ('small', $1, 1, 65536, 'test', 1, 1)",
    )
    .bind(engine)
    .execute(db)
    .await
    .unwrap();
}

#[tokio::test]
async fn two_apis_placing_at_once_never_overfill_a_node() {
    let first = spawn_app_with(|_| {}).await;
    let second = spawn_app_beside(&first, |_| {}).await;
    let db = database(&first).await;
    small_node(&db, &first.settings.docker_host).await;
    first
        .edit_tier("free", json!({"node_targets": ["_any", "small"]}))
        .await;
    let mut tokens = Vec::new();
    for index in 0..4 {
        tokens.push(first.user_token(&format!("crowd-{index}")).await);
    }
    let creates = (0..12).map(|index| {
        let app = if index % 2 == 0 { &first } else { &second };
        app.create(&tokens[index % 4], small_busybox(app, Some("small")))
    });
    let created = join_all(creates).await;

    let mut placed = 0;
    for (status, environment) in &created {
        assert_eq!(*status, 202, "{environment}");
        match environment["node"].as_str() {
            Some(node) => {
                assert_eq!(node, "small");
                placed += 1;
            }
            None => {
                let id = environment["id"].as_str().unwrap();
                let token = &tokens[created.iter().position(|c| c.1["id"] == id).unwrap() % 4];
                let view = first.container(token, id).await.1;
                assert_eq!(view["stage"], "validating", "{view}");
                let message = view["message"].as_str().unwrap_or_default();
                assert!(
                    message.starts_with("Waiting for room on node small"),
                    "{view}"
                );
            }
        }
    }
    assert_eq!(placed, 4, "{created:?}");
    let on_node: i64 = sqlx::query_scalar("SELECT count(*) FROM containers WHERE node = 'small'")
        .fetch_one(&db)
        .await
        .unwrap();
    assert_eq!(on_node, 4);
}

#[tokio::test]
async fn without_room_an_environment_waits_is_placed_when_room_appears_or_ends_in_no_capacity() {
    let app = spawn_app_with(|settings| {
        settings.node.placement_patience = Duration::from_secs(3);
    })
    .await;
    let db = database(&app).await;
    let own_node = app.settings.node.name.clone();
    set_memory_overcommit(&db, 0.000_01).await;
    let token = app.user_token("patient").await;

    let body = small_busybox(&app, Some("_any"));
    let (status, waiting) = app.create(&token, body.clone()).await;
    assert_eq!(status, 202, "{waiting}");
    assert!(waiting["node"].is_null(), "{waiting}");
    let id = waiting["id"].as_str().unwrap();
    tokio::time::sleep(Duration::from_secs(1)).await;
    set_memory_overcommit(&db, 1000.0).await;
    let running = app.wait_running(&token, id, READY_WITHIN).await;
    assert_eq!(running["node"], own_node.as_str());

    set_memory_overcommit(&db, 0.000_01).await;
    let (status, hopeless) = app.create(&token, body).await;
    assert_eq!(status, 202, "{hopeless}");
    let id = hopeless["id"].as_str().unwrap();
    let ended = app.wait_settled(&token, id, Duration::from_secs(20)).await;
    assert_eq!(ended["status"], "error", "{ended}");
    assert_eq!(ended["code"], "NO_CAPACITY", "{ended}");
    // It holds no slot of the owner's: only the running one counts.
    assert_eq!(app.usage(&token).await, 1);
}

#[tokio::test]
async fn a_stopped_environment_starts_again_only_when_its_node_has_room() {
    let app = spawn_app_with(|_| {}).await;
    let db = database(&app).await;
    let token = app.user_token("restarter").await;
    let (status, created) = app.create(&token, small_busybox(&app, Some("_any"))).await;
    assert_eq!(status, 202, "{created}");
    let id = created["id"].as_str().unwrap();
    app.wait_running(&token, id, READY_WITHIN).await;
    let stop = app
        .post(
            &format!("/api/containers/{id}/stop?timeout=1"),
            Some(&token),
            &json!({}),
        )
        .await;
    assert!(stop.status().is_success(), "{}", stop.status());
    app.wait_status(&token, id, "stopped", Duration::from_secs(20))
        .await;

    // Stopped, it holds nothing; meanwhile the node filled up (here: its memory shrank).
    set_memory_overcommit(&db, 0.000_01).await;
    let start = app
        .post(
            &format!("/api/containers/{id}/start"),
            Some(&token),
            &json!({}),
        )
        .await;
    crate::support::app::assert_error(start, 409, "NO_CAPACITY").await;
    assert_eq!(app.container(&token, id).await.1["status"], "stopped");

    set_memory_overcommit(&db, 1000.0).await;
    let start = app
        .post(
            &format!("/api/containers/{id}/start"),
            Some(&token),
            &json!({}),
        )
        .await;
    assert!(start.status().is_success(), "{}", start.status());
    app.wait_status(&token, id, "running", READY_WITHIN).await;
}
