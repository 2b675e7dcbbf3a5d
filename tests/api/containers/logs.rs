//! Log subscriptions over /ws/events (Nekzus).

use std::time::Duration;

use futures_util::SinkExt;
use serde_json::{json, Value};
use tokio_tungstenite::tungstenite::Message;

use crate::support::app::spawn_app;
use crate::support::engine;
use crate::support::provisioning::user_with_environment;
use crate::support::ws::{self, Socket};

async fn send(socket: &mut Socket, frame: Value) {
    socket.send(Message::text(frame.to_string())).await.unwrap();
}

/// The next frame of `kind`, skipping others (progress, other logs).
async fn next_of(socket: &mut Socket, kind: &str) -> Value {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    loop {
        let left = deadline.saturating_duration_since(tokio::time::Instant::now());
        let frame = ws::next_json(socket, left)
            .await
            .unwrap_or_else(|| panic!("no {kind} frame"));
        if frame["type"] == kind {
            return frame;
        }
    }
}

/// Writes a line to the environment's main process output, i.e. its log.
fn log_line(app: &crate::support::app::TestApp, id: &str, line: &str, fd: u8) {
    let out = engine::exec(
        &app.settings,
        &format!("sbx-{id}"),
        &format!("echo {line} >/proc/1/fd/{fd}"),
    );
    assert!(out.status.success(), "{out:?}");
}

#[tokio::test]
async fn a_subscription_sends_the_tail_then_follows_new_output_until_unsubscribed() {
    let app = spawn_app().await;
    let (token, id) = user_with_environment(&app, "reader").await;
    log_line(&app, &id, "before-subscribing", 1);
    let mut events = ws::events(&app, &token).await;
    send(
        &mut events,
        json!({"type": "container.logs.subscribe",
                             "data": {"containerId": id, "tail": 10, "follow": true}}),
    )
    .await;
    let started = next_of(&mut events, "container.logs.started").await;
    assert_eq!(started["data"]["containerId"], id.as_str());
    // The tail starts with the environment's boot report, then what was written since.
    let mut old = next_of(&mut events, "container.logs").await;
    let mut boot_lines = 0;
    while old["data"]["message"] != "before-subscribing" {
        assert!(
            old["data"]["message"]
                .as_str()
                .unwrap()
                .starts_with("sandboxd"),
            "{old}"
        );
        boot_lines += 1;
        assert!(boot_lines < 10, "the tail never reached the line written");
        old = next_of(&mut events, "container.logs").await;
    }
    assert_eq!(old["data"]["stream"], "stdout");

    log_line(&app, &id, "after-subscribing", 2);
    let new = next_of(&mut events, "container.logs").await;
    assert_eq!(new["data"]["message"], "after-subscribing");
    assert_eq!(new["data"]["stream"], "stderr");
    assert!(new["data"]["timestamp"].is_i64());

    send(
        &mut events,
        json!({"type": "container.logs.unsubscribe", "data": {"containerId": id}}),
    )
    .await;
    let ended = next_of(&mut events, "container.logs.ended").await;
    assert_eq!(ended["data"]["reason"], "stopped");
}

#[tokio::test]
async fn a_followed_stream_ends_when_the_environment_stops_and_strangers_get_not_found() {
    let app = spawn_app().await;
    let (token, id) = user_with_environment(&app, "follower").await;
    let stranger = app.user_token("stranger").await;
    let mut events = ws::events(&app, &token).await;
    send(
        &mut events,
        json!({"type": "container.logs.subscribe", "data": {"containerId": id}}),
    )
    .await;
    next_of(&mut events, "container.logs.started").await;
    let stop = app
        .post(
            &format!("/api/containers/{id}/stop?timeout=1"),
            Some(&token),
            &Value::Null,
        )
        .await;
    assert_eq!(stop.status(), 202);
    let ended = next_of(&mut events, "container.logs.ended").await;
    assert_eq!(ended["data"]["reason"], "container_stopped");

    let mut theirs = ws::events(&app, &stranger).await;
    send(
        &mut theirs,
        json!({"type": "container.logs.subscribe", "data": {"containerId": id}}),
    )
    .await;
    let error = next_of(&mut theirs, "container.logs.error").await;
    assert_eq!(error["data"]["error"], "CONTAINER_NOT_FOUND");
}
