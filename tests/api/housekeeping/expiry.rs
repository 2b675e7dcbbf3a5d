//! Session limits and idle timeouts: a warning, then a stop (or, for a guest, a deletion).

use std::time::{Duration, Instant};

use serde_json::{json, Value};

use super::{fast_app, frame_of, wait_for, ENGINE_SLACK};
use crate::support::engine;
use crate::support::provisioning::{user_with_environment, READY_WITHIN};
use crate::support::ws;

#[tokio::test]
async fn an_environment_is_warned_then_stopped_at_its_session_limit() {
    let app = fast_app().await;
    app.edit_tier("free", json!({"session_limit_seconds": 4}))
        .await;
    let token = app.user_token("timed").await;
    // Listening first: the warning goes out as soon as the environment exists.
    let mut events = ws::events(&app, &token).await;
    let id = app.creating_busybox(&token).await;
    let warning = frame_of(&mut events, "container.expiring", Duration::from_secs(5)).await;
    assert_eq!(warning["data"]["containerId"], id.as_str());
    assert!(warning["data"]["secondsLeft"].as_i64().unwrap() <= 4);
    let expired = frame_of(&mut events, "container.expired", ENGINE_SLACK).await;
    assert_eq!(expired["data"]["deleted"], false);
    let body = wait_for(&app, &token, &id, Duration::from_secs(10), |_, b| {
        b["status"] == "stopped"
    })
    .await;
    assert_eq!(body["status"], "stopped");
}

#[tokio::test]
async fn a_guests_environment_is_deleted_at_its_session_limit() {
    let app = fast_app().await;
    // Guests may not run custom images by default; this test's busybox needs them allowed.
    app.edit_tier(
        "guest",
        json!({"session_limit_seconds": 3, "allowed_images": null}),
    )
    .await;
    let token = app.guest_token().await;
    let id = app.creating_busybox(&token).await;
    // The guest's session ends with its tier's limit too, so an admin looks instead. On a slow
    // engine the limit may come before the environment is ready: it goes all the same.
    let admin = app.admin_token().await;
    let deadline = Instant::now() + READY_WITHIN + ENGINE_SLACK;
    loop {
        let listed: Value = app
            .get("/api/admin/containers", Some(&admin))
            .await
            .json()
            .await
            .unwrap();
        if listed["total"] == 0 {
            break;
        }
        assert!(Instant::now() < deadline, "not deleted: {listed}");
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    assert!(
        engine::containers_with(&app.settings, &format!("sandboxd.environment={id}")).is_empty()
    );
    let metrics = app.get("/metrics", None).await.text().await.unwrap();
    assert!(
        metrics.contains("housekeeping_repairs_total{kind=\"expired_deleted\"} 1"),
        "deleted by expiry: {metrics}"
    );
}

#[tokio::test]
async fn an_idle_environment_is_stopped_and_activity_postpones_it() {
    let app = fast_app().await;
    let (token, id) = user_with_environment(&app, "dozy").await;
    let mut events = ws::events(&app, &token).await;
    let exec = || async {
        let job = app
            .post(
                &format!("/api/containers/{id}/exec"),
                Some(&token),
                &json!({"command": ["true"]}),
            )
            .await;
        assert_eq!(job.status(), 202);
    };
    // The timeout is short and set only now, so however long provisioning took, the clock
    // starts from this first activity.
    exec().await;
    app.edit_tier("free", json!({"idle_timeout_seconds": 3}))
        .await;
    // Activity every second for five seconds: longer than the timeout, yet still running.
    for _ in 0..5 {
        exec().await;
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
    assert_eq!(app.container(&token, &id).await.1["status"], "running");
    let idle = frame_of(&mut events, "container.idle", ENGINE_SLACK).await;
    assert_eq!(idle["data"]["containerId"], id.as_str());
    let body = wait_for(&app, &token, &id, Duration::from_secs(10), |_, b| {
        b["status"] == "stopped"
    })
    .await;
    assert_eq!(body["status"], "stopped");
    let wrote = engine::inspect(&app.settings, &format!("sbx-{id}"));
    assert_eq!(wrote["State"]["Running"], false, "stopped, not removed");
}
