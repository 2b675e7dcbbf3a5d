//! Pause and resume: processes frozen and thawed in place, answered when done; what else
//! works on a paused environment (terminal, exec, files resume it; stop, restart and delete
//! take it as it is).

use std::time::Duration;

use serde_json::{json, Value};

use crate::support::app::{assert_error, spawn_app, TestApp};
use crate::support::engine;
use crate::support::provisioning::user_with_environment;
use crate::support::terminal::Terminal;
use crate::support::ws::{self, notification};

async fn act(app: &TestApp, token: &str, id: &str, action: &str) -> reqwest::Response {
    let path = format!("/api/containers/{id}/{action}");
    app.post(&path, Some(token), &Value::Null).await
}

async fn status_of(app: &TestApp, token: &str, id: &str) -> String {
    let (_, body) = app.container(token, id).await;
    body["status"].as_str().unwrap().to_string()
}

/// What the engine says of the container: `running`, `paused`, `exited`...
fn engine_state(app: &TestApp, id: &str) -> String {
    let inspected = engine::inspect(&app.settings, &format!("sbx-{id}"));
    inspected["State"]["Status"].as_str().unwrap().to_string()
}

/// The counter a background loop in the environment writes ten times a second, read through
/// the engine's archive endpoint, which needs nothing to run inside (it may be frozen).
fn read_counter(app: &TestApp, id: &str) -> Option<u64> {
    let source = format!("sbx-{id}:/tmp/counter");
    let out = engine::docker(&app.settings, &["cp", &source, "-"]);
    if !out.status.success() || out.stdout.len() < 512 {
        return None;
    }
    // One file in a tar stream: a 512-byte header, its size in octal at 124, then the data.
    let size = std::str::from_utf8(&out.stdout[124..135]).ok()?;
    let size = usize::from_str_radix(size.trim_matches(char::from(0)).trim(), 8).ok()?;
    let text = std::str::from_utf8(out.stdout.get(512..512 + size)?).ok()?;
    text.trim().parse().ok()
}

fn counter(app: &TestApp, id: &str) -> u64 {
    read_counter(app, id).expect("the counter file")
}

fn start_counter(app: &TestApp, id: &str) {
    let script = "i=0; while true; do i=$((i+1)); echo $i > /tmp/counter; sleep 0.1; done";
    let container = format!("sbx-{id}");
    let started = engine::docker(
        &app.settings,
        &["exec", "-d", &container, "/bin/sh", "-c", script],
    );
    assert!(started.status.success(), "{started:?}");
}

async fn counter_moving(app: &TestApp, id: &str) -> u64 {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    loop {
        let before = read_counter(app, id).unwrap_or(0);
        tokio::time::sleep(Duration::from_millis(400)).await;
        let after = read_counter(app, id).unwrap_or(0);
        if after > before {
            return after;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "the counter never moved"
        );
    }
}

#[tokio::test]
async fn a_paused_environment_keeps_its_processes_frozen_until_resumed() {
    let app = spawn_app().await;
    let (token, id) = user_with_environment(&app, "sleeper").await;
    let stranger = app.user_token("stranger").await;
    let mut events = ws::events(&app, &token).await;
    start_counter(&app, &id);
    counter_moving(&app, &id).await;

    let response = act(&app, &token, &id, "pause").await;
    assert_eq!(response.status(), 200);
    let paused: Value = response.json().await.unwrap();
    assert_eq!(paused["status"], "paused", "{paused}");
    assert_eq!(paused["id"], id.as_str());
    let done = notification(&mut events, "container.pause.completed").await;
    assert_eq!(done["data"]["containerId"], id.as_str());
    assert_eq!(done["data"]["status"], "paused");
    assert_eq!(status_of(&app, &token, &id).await, "paused");
    assert_eq!(engine_state(&app, &id), "paused");
    let frozen = counter(&app, &id);
    tokio::time::sleep(Duration::from_millis(800)).await;
    assert_eq!(counter(&app, &id), frozen, "the counter moved while paused");

    let stats: Value = app
        .get(&format!("/api/containers/{id}/stats"), Some(&token))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(stats["status"], "paused", "{stats}");
    assert_eq!(stats["cpu"]["usage"], 0.0, "{stats}");
    assert!(stats["memory"]["used"].as_u64().unwrap() > 0, "{stats}");

    assert_error(
        act(&app, &token, &id, "pause").await,
        409,
        "CONTAINER_ALREADY_PAUSED",
    )
    .await;
    assert_error(
        act(&app, &token, &id, "start").await,
        409,
        "CONTAINER_ALREADY_STARTED",
    )
    .await;
    for action in ["pause", "resume"] {
        assert_error(
            act(&app, &stranger, &id, action).await,
            404,
            "CONTAINER_NOT_FOUND",
        )
        .await;
    }

    let response = act(&app, &token, &id, "resume").await;
    assert_eq!(response.status(), 200);
    let resumed: Value = response.json().await.unwrap();
    assert_eq!(resumed["status"], "running", "{resumed}");
    let done = notification(&mut events, "container.resume.completed").await;
    assert_eq!(done["data"]["status"], "resumed");
    assert_eq!(engine_state(&app, &id), "running");
    assert!(counter_moving(&app, &id).await > frozen);
    assert_error(
        act(&app, &token, &id, "resume").await,
        409,
        "CONTAINER_NOT_PAUSED",
    )
    .await;
}

#[tokio::test]
async fn exec_terminal_and_files_resume_a_paused_environment_first() {
    let app = spawn_app().await;
    let (token, id) = user_with_environment(&app, "waker").await;

    assert_eq!(act(&app, &token, &id, "pause").await.status(), 200);
    let response = app
        .post(
            &format!("/api/containers/{id}/exec"),
            Some(&token),
            &json!({"command": ["echo", "awake"]}),
        )
        .await;
    assert_eq!(response.status(), 202);
    let job: Value = response.json().await.unwrap();
    assert_eq!(job["results"][0]["stdout"], "awake\n", "{job}");
    assert_eq!(status_of(&app, &token, &id).await, "running");
    assert_eq!(engine_state(&app, &id), "running");

    assert_eq!(act(&app, &token, &id, "pause").await.status(), 200);
    let mut terminal = Terminal::open(&app, &token, &id, "").await;
    terminal.type_line("echo thawed-$((40+2))").await;
    terminal.read_until("thawed-42").await;
    assert_eq!(status_of(&app, &token, &id).await, "running");
    drop(terminal);

    assert_eq!(act(&app, &token, &id, "pause").await.status(), 200);
    let listing = app
        .get(
            &format!("/api/containers/{id}/files/list?path=/tmp"),
            Some(&token),
        )
        .await;
    assert_eq!(listing.status(), 200);
    assert_eq!(status_of(&app, &token, &id).await, "running");
    assert_eq!(engine_state(&app, &id), "running");
}

#[tokio::test]
async fn a_paused_environment_can_be_stopped_restarted_and_deleted() {
    let app = spawn_app().await;
    let (token, id) = user_with_environment(&app, "halter").await;
    let mut events = ws::events(&app, &token).await;

    assert_eq!(act(&app, &token, &id, "pause").await.status(), 200);
    assert_eq!(act(&app, &token, &id, "restart").await.status(), 202);
    notification(&mut events, "container.restart.completed").await;
    assert_eq!(status_of(&app, &token, &id).await, "running");
    assert_eq!(engine_state(&app, &id), "running");

    assert_eq!(act(&app, &token, &id, "pause").await.status(), 200);
    let stop = format!("/api/containers/{id}/stop?timeout=1");
    assert_eq!(
        app.post(&stop, Some(&token), &Value::Null).await.status(),
        202
    );
    notification(&mut events, "container.stop.completed").await;
    assert_eq!(status_of(&app, &token, &id).await, "stopped");
    assert_eq!(engine_state(&app, &id), "exited");
    assert_error(
        act(&app, &token, &id, "pause").await,
        409,
        "CONTAINER_NOT_RUNNING",
    )
    .await;
    assert_error(
        act(&app, &token, &id, "resume").await,
        409,
        "CONTAINER_NOT_PAUSED",
    )
    .await;

    assert_eq!(act(&app, &token, &id, "start").await.status(), 202);
    notification(&mut events, "container.start.completed").await;
    assert_eq!(act(&app, &token, &id, "pause").await.status(), 200);
    let deleted = app
        .delete(&format!("/api/containers/{id}"), Some(&token))
        .await;
    assert_eq!(deleted.status(), 200);
    let (status, _) = app.container(&token, &id).await;
    assert_eq!(status, 404);
    let left = engine::containers_with(&app.settings, &format!("sandboxd.environment={id}"));
    assert!(left.is_empty(), "{left:?}");
}
