//! A user's network goes with their last environment and comes back with the next; a user
//! with any environment, even a stopped one, keeps theirs.

use std::time::{Duration, Instant};

use serde_json::{json, Value};

use super::{fast_app, ENGINE_SLACK};
use crate::support::app::TestApp;
use crate::support::engine;
use crate::support::provisioning::READY_WITHIN;

fn network_exists(app: &TestApp, name: &str) -> bool {
    engine::docker(&app.settings, &["network", "inspect", name])
        .status
        .success()
}

#[tokio::test]
async fn a_users_network_goes_with_their_last_environment_and_comes_back_with_the_next() {
    let app = fast_app().await;
    let leaver = app.user_token("leaver").await;
    let keeper = app.user_token("keeper").await;
    let left = app.create_busybox(&leaver, json!({})).await;
    let left = app
        .wait_running(&leaver, left["id"].as_str().unwrap(), READY_WITHIN)
        .await;
    let kept = app.create_busybox(&keeper, json!({})).await;
    let kept = app
        .wait_running(&keeper, kept["id"].as_str().unwrap(), READY_WITHIN)
        .await;
    let kept_id = kept["id"].as_str().unwrap();
    let stop = app
        .post(
            &format!("/api/containers/{kept_id}/stop?timeout=1"),
            Some(&keeper),
            &Value::Null,
        )
        .await;
    assert_eq!(stop.status(), 202);
    app.wait_status(&keeper, kept_id, "stopped", ENGINE_SLACK)
        .await;
    let (leavers, keepers) = (engine::user_network(&left), engine::user_network(&kept));
    assert!(network_exists(&app, &leavers) && network_exists(&app, &keepers));

    let deleted = app
        .delete(
            &format!("/api/containers/{}", left["id"].as_str().unwrap()),
            Some(&leaver),
        )
        .await;
    assert_eq!(deleted.status(), 200);
    let deadline = Instant::now() + ENGINE_SLACK;
    while network_exists(&app, &leavers) {
        assert!(
            Instant::now() < deadline,
            "the network outlived its last user"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    // Several rounds later, the stopped environment's network is still there.
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert!(
        network_exists(&app, &keepers),
        "a stopped environment lost its network"
    );

    let next = app.create_busybox(&leaver, json!({})).await;
    let next = app
        .wait_running(&leaver, next["id"].as_str().unwrap(), READY_WITHIN)
        .await;
    assert!(network_exists(&app, &leavers), "{next}");
    let start = app
        .post(
            &format!("/api/containers/{kept_id}/start"),
            Some(&keeper),
            &Value::Null,
        )
        .await;
    assert_eq!(start.status(), 202);
    app.wait_status(&keeper, kept_id, "running", ENGINE_SLACK)
        .await;
}
