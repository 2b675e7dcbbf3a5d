//! Each node's engine is its own: the API reaches an environment through the engine its
//! node registered (and nowhere without one), and only a node's own housekeeping compares
//! its environments with its engine.

use std::time::Duration;

use super::{database, echo, exec_true, small_busybox, NodeWorker};
use crate::support::app::{assert_error, spawn_app_with};
use crate::support::engine;
use crate::support::provisioning::READY_WITHIN;

#[tokio::test]
async fn an_environment_is_reached_through_its_nodes_engine_and_reconciled_only_by_its_node() {
    let app = spawn_app_with(|settings| {
        settings.housekeeping_every = Duration::from_millis(300);
    })
    .await;
    let node_b = NodeWorker::start(&app, "node-b", "pool=fast").await;
    let admin = app.admin_token().await;
    let body = small_busybox(&app, Some("node-b"));
    let (status, created) = app.create(&admin, body).await;
    assert_eq!(status, 202, "{created}");
    let id = created["id"].as_str().unwrap().to_string();
    app.wait_running(&admin, &id, READY_WITHIN).await;
    let container = format!("sbx-{id}");
    // Not on the app's own engine: its reconciler, which runs every 300 ms here, must not
    // take it for vanished.
    assert!(!engine::docker(&app.settings, &["inspect", &container])
        .status
        .success());
    tokio::time::sleep(Duration::from_secs(7)).await;
    assert_eq!(app.container(&admin, &id).await.1["status"], "running");
    assert_eq!(echo(&app, &admin, &id).await, "reached\n");

    // A node nobody registered has no engine to reach.
    let db = database(&app).await;
    let place = |node: &'static str| {
        sqlx::query("UPDATE containers SET node = $2 WHERE id = $1::uuid")
            .bind(id.clone())
            .bind(node)
            .execute(&db)
    };
    place("never-registered").await.unwrap();
    let exec = exec_true(&app, &admin, &id).await;
    assert_error(exec, 503, "DOCKER_UNAVAILABLE").await;
    place("node-b").await.unwrap();

    // Stopped behind sandboxd's back: node-b's own housekeeping sees it.
    let stop = node_b.docker(&["stop", "-t", "1", &container]);
    assert!(stop.status.success(), "{stop:?}");
    app.wait_status(&admin, &id, "stopped", Duration::from_secs(30))
        .await;
}
