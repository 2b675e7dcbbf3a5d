//! Pause in housekeeping: a tier whose idle action is `pause` has idle environments paused,
//! not stopped; and pauses or resumes made by hand on the engine are recorded.

use std::time::Duration;

use serde_json::json;

use super::{fast_app, frame_of, wait_for, ENGINE_SLACK};
use crate::support::app::assert_error;
use crate::support::engine;
use crate::support::provisioning::user_with_environment;
use crate::support::ws;

#[tokio::test]
async fn a_tier_whose_idle_action_is_pause_pauses_idle_environments() {
    let app = fast_app().await;
    let (token, id) = user_with_environment(&app, "napper").await;
    let admin = app.admin_token().await;
    let mut tier = app.tier(&admin, "free").await;
    assert_eq!(tier["idle_action"], "stop", "the default: {tier}");
    tier["idle_action"] = json!("hibernate");
    let refused = app.put("/api/admin/tiers/free", Some(&admin), &tier).await;
    let body = assert_error(refused, 400, "INVALID_JSON").await;
    assert!(
        body["error"]
            .as_str()
            .unwrap()
            .contains("`stop` or `pause`"),
        "{body}"
    );

    let mut events = ws::events(&app, &token).await;
    let edited = app
        .edit_tier(
            "free",
            json!({"idle_timeout_seconds": 2, "idle_action": "pause"}),
        )
        .await;
    assert_eq!(app.tier(&admin, "free").await["idle_action"], "pause");
    let idle = frame_of(&mut events, "container.idle", ENGINE_SLACK).await;
    assert_eq!(idle["data"]["containerId"], id.as_str());
    assert_eq!(idle["data"]["action"], "paused");
    let body = wait_for(&app, &token, &id, Duration::from_secs(10), |_, b| {
        b["status"] != "running"
    })
    .await;
    assert_eq!(body["status"], "paused", "{body}");
    let inspected = engine::inspect(&app.settings, &format!("sbx-{id}"));
    assert_eq!(inspected["State"]["Paused"], true);

    // An exec resumes it, and counts as activity: it is not paused again at once.
    let response = app
        .post(
            &format!("/api/containers/{id}/exec"),
            Some(&token),
            &json!({"command": ["true"]}),
        )
        .await;
    assert_eq!(response.status(), 202);
    tokio::time::sleep(Duration::from_millis(1000)).await;
    assert_eq!(app.container(&token, &id).await.1["status"], "running");
    drop(edited);
}

#[tokio::test]
async fn pauses_and_resumes_made_on_the_engine_are_recorded() {
    let app = fast_app().await;
    let (token, id) = user_with_environment(&app, "tinkerer").await;
    let container = format!("sbx-{id}");

    let paused = engine::docker(&app.settings, &["pause", &container]);
    assert!(paused.status.success(), "{paused:?}");
    let body = wait_for(&app, &token, &id, ENGINE_SLACK, |_, b| {
        b["status"] == "paused"
    })
    .await;
    assert!(
        body["message"].as_str().unwrap().contains("outside"),
        "{body}"
    );

    let resumed = engine::docker(&app.settings, &["unpause", &container]);
    assert!(resumed.status.success(), "{resumed:?}");
    let body = wait_for(&app, &token, &id, ENGINE_SLACK, |_, b| {
        b["status"] == "running"
    })
    .await;
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .contains("resumed outside"),
        "{body}"
    );
    let metrics = app.get("/metrics", None).await.text().await.unwrap();
    for kind in ["paused_outside", "resumed_outside"] {
        assert!(
            metrics.contains(&format!("housekeeping_repairs_total{{kind=\"{kind}\"}} 1")),
            "{kind}: {metrics}"
        );
    }
}
