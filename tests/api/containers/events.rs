//! Progress on /ws/events across processes, for the owner only, and as server-sent events.

use std::time::Duration;

use futures_util::StreamExt;
use serde_json::json;

use crate::support::app::{assert_error, spawn_app, spawn_app_beside, spawn_app_with};
use crate::support::engine::WorkerProcess;
use crate::support::provisioning::{busybox, READY_WITHIN};
use crate::support::ws;

#[tokio::test]
async fn a_client_on_one_api_process_sees_progress_of_a_create_made_through_another() {
    let first = spawn_app_with(|s| s.workers = 0).await;
    let second = spawn_app_beside(&first, |s| s.workers = 0).await;
    let _worker = WorkerProcess::start(&first.settings);
    let token = first.user_token("watcher").await;
    let mut events = ws::events(&first, &token).await;
    let created = second.create_busybox(&token, json!({})).await;
    let stages = ws::stages_until(
        &mut events,
        created["id"].as_str().unwrap(),
        "ready",
        READY_WITHIN,
    )
    .await;
    assert!(stages.contains(&"configuring".to_string()), "{stages:?}");
    assert_eq!(stages.last().unwrap(), "ready");
}

#[tokio::test]
async fn a_late_client_gets_the_current_stage_at_once_and_nobody_else_sees_it() {
    let app = spawn_app().await;
    let owner = app.user_token("late").await;
    let stranger = app.user_token("stranger").await;
    let mut strangers_events = ws::events(&app, &stranger).await;
    let created = app.create_busybox(&owner, json!({})).await;
    let id = created["id"].as_str().unwrap();
    app.wait_running(&owner, id, READY_WITHIN).await;

    let mut events = ws::events(&app, &owner).await;
    let frame = ws::next_json(&mut events, Duration::from_secs(2))
        .await
        .expect("current stage");
    assert_eq!(frame["type"], "container_progress");
    assert_eq!(frame["data"]["id"], id);
    assert_eq!(frame["data"]["stage"], "ready");

    while let Some(frame) = ws::next_json(&mut strangers_events, Duration::from_millis(500)).await {
        assert_ne!(frame["data"]["id"], id, "a stranger saw {frame}");
    }
}

#[tokio::test]
async fn events_refuse_a_connection_without_valid_credentials() {
    let app = spawn_app().await;
    assert!(ws::connect(&app, "/ws/events").await.is_err());
    assert!(ws::connect(&app, "/ws/events?token=nonsense")
        .await
        .is_err());
    let response = app.get("/ws/events?token=nonsense", None).await;
    assert_error(response, 401, "UNAUTHORIZED").await;
}

#[tokio::test]
async fn the_streaming_create_sends_progress_as_server_sent_events_until_ready() {
    let app = spawn_app().await;
    let token = app.user_token("streamer").await;
    let body =
        json!({"image": "custom", "custom_image": busybox(&app), "shell": {"enhanced": false}});
    let response = app
        .post("/api/containers/stream", Some(&token), &body)
        .await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "text/event-stream");
    let mut text = String::new();
    let mut chunks = response.bytes_stream();
    let read = async {
        while let Some(chunk) = chunks.next().await {
            text.push_str(&String::from_utf8_lossy(&chunk.unwrap()));
        }
    };
    tokio::time::timeout(READY_WITHIN, read)
        .await
        .expect("the stream ends");
    assert!(text.starts_with("event: created\n"), "{text}");
    assert!(text.contains("event: progress\n"), "{text}");
    assert!(
        text.trim_end()
            .lines()
            .rev()
            .nth(1)
            .unwrap()
            .starts_with("event: ready"),
        "{text}"
    );
}
