//! What an admin's changes to nodes do to placement: a drained node takes nothing new until
//! it is undrained, labels an admin sets are targets, and overcommit decides what fits. The
//! second node is a row on the test's own engine with no worker: its environments are
//! placed, never made.

use std::time::Duration;

use serde_json::{json, Value};

use super::nodes::{add_node, edit, node, registered, set};
use crate::support::app::{spawn_app_with, TestApp};
use crate::support::provisioning::{busybox, READY_WITHIN};

/// The placer looks for room every second.
const PLACED_WITHIN: Duration = Duration::from_secs(10);

async fn app_on_home() -> (TestApp, String) {
    let app = spawn_app_with(|settings| {
        settings.node.name = "home".into();
        // The second node has no process to beat for it.
        settings.node.down_after = Duration::from_secs(600);
    })
    .await;
    let admin = app.admin_token().await;
    registered(&app, &admin).await;
    (app, admin)
}

async fn create_on(app: &TestApp, admin: &str, target: &str, memory_mb: i64) -> Value {
    let body = json!({"node": target, "memory_mb": memory_mb, "cpu_shares": 500});
    app.create_busybox(admin, body).await
}

async fn placed_on(app: &TestApp, admin: &str, id: &str, node: &str) -> Value {
    let deadline = tokio::time::Instant::now() + PLACED_WITHIN;
    loop {
        let (_, environment) = app.container(admin, id).await;
        if environment["node"] == node {
            return environment;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "not placed on {node}: {environment}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

async fn waits(app: &TestApp, admin: &str, created: &Value) {
    assert!(created["node"].is_null(), "{created}");
    let (_, environment) = app.container(admin, created["id"].as_str().unwrap()).await;
    assert_eq!(environment["status"], "creating", "{environment}");
    assert!(environment["node"].is_null(), "{environment}");
    let message = environment["message"].as_str().unwrap_or_default();
    assert!(message.starts_with("Waiting for room"), "{environment}");
}

#[tokio::test]
async fn a_drained_node_takes_nothing_new_until_it_is_undrained() {
    let (app, admin) = app_on_home().await;
    add_node(&app, "spare", 4, 4096).await;
    set(&app, &admin, "home", "drain").await;

    let held = create_on(&app, &admin, "home", 256).await;
    waits(&app, &admin, &held).await;
    let elsewhere = create_on(&app, &admin, "_any", 256).await;
    assert_eq!(elsewhere["node"], "spare", "{elsewhere}");
    // Still held a while later: the placer passes over a draining node.
    tokio::time::sleep(Duration::from_secs(2)).await;
    waits(&app, &admin, &held).await;

    assert_eq!(
        set(&app, &admin, "home", "undrain").await["state"],
        "active"
    );
    assert_eq!(
        set(&app, &admin, "home", "undrain").await["state"],
        "active"
    );
    let id = held["id"].as_str().unwrap();
    placed_on(&app, &admin, id, "home").await;
    // Placed, the environment is made on its node like any other.
    app.wait_running(&admin, id, READY_WITHIN).await;
}

#[tokio::test]
async fn labels_an_admin_sets_are_targets_and_overcommit_decides_what_fits() {
    let (app, admin) = app_on_home().await;
    add_node(&app, "spare", 1, 1024).await;
    let body = json!({"image": "custom", "custom_image": busybox(&app), "node": "pool:gpu"});
    let (status, unknown) = app.create(&admin, body).await;
    assert_eq!(
        (status, &unknown["code"]),
        (404, &json!("NODE_NOT_FOUND")),
        "{unknown}"
    );
    let response = edit(&app, &admin, "spare", json!({"labels": {"pool": "gpu"}})).await;
    assert_eq!(response.status(), 200);

    let labelled = create_on(&app, &admin, "pool:gpu", 512).await;
    assert_eq!(labelled["node"], "spare", "{labelled}");
    // 512 + 1024 MB on a node of 1024 MB with memory overcommit 1: it waits.
    let large = create_on(&app, &admin, "spare", 1024).await;
    waits(&app, &admin, &large).await;

    let response = edit(&app, &admin, "spare", json!({"memory_overcommit": 2})).await;
    assert_eq!(response.status(), 200);
    placed_on(&app, &admin, large["id"].as_str().unwrap(), "spare").await;
    let spare = node(&app, &admin, "spare").await;
    assert_eq!(spare["memory_capacity_mb"], 2048, "{spare}");
    assert_eq!(spare["memory_reserved_mb"], 1536, "{spare}");
    assert_eq!(spare["cpu_reserved_millicores"], 1000, "{spare}");
    assert_eq!(spare["environments"], 2, "{spare}");
}
