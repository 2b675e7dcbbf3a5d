//! `POST /api/containers/{id}/exec/stream`: output as NDJSON while the command runs, its exit
//! code last, bad input refused, and a caller who hangs up has the command killed.

use std::time::Duration;

use futures_util::StreamExt;
use serde_json::{json, Value};

use crate::support::app::{assert_error, spawn_app};
use crate::support::engine;
use crate::support::provisioning::user_with_environment;

fn lines(body: &str) -> Vec<Value> {
    body.lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect()
}

#[tokio::test]
async fn output_comes_as_lines_of_json_and_ends_with_the_exit_code() {
    let app = spawn_app().await;
    let (token, id) = user_with_environment(&app, "ada").await;
    let path = format!("/api/containers/{id}/exec/stream");
    let body = json!({"command": ["sh", "-c", "printf 'a\\n'; printf 'b\\n' >&2; echo $GREETING; exit 7"],
                      "env": ["GREETING=hi there"]});
    let response = app.post(&path, Some(&token), &body).await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "application/x-ndjson");
    let events = lines(&response.text().await.unwrap());
    assert!(
        events.iter().all(|e| e["type"] != "heartbeat"),
        "no heartbeat in a quick command"
    );
    let text = |kind: &str| -> String {
        events
            .iter()
            .filter(|e| e["type"] == kind)
            .map(|e| e["data"].as_str().unwrap())
            .collect()
    };
    assert_eq!(text("stdout"), "a\nhi there\n");
    assert_eq!(text("stderr"), "b\n");
    assert_eq!(
        events.last().unwrap(),
        &json!({"type": "exit", "exit_code": 7})
    );

    let response = app
        .post(
            &path,
            Some(&token),
            &json!({"command": ["sleep", "10"], "timeout": 1}),
        )
        .await;
    let events = lines(&response.text().await.unwrap());
    assert_eq!(events.last().unwrap()["type"], "error", "{events:?}");
    assert!(events.last().unwrap()["error"]
        .as_str()
        .unwrap()
        .contains("timed out"));
}

#[tokio::test]
async fn bad_requests_strangers_and_read_only_tokens_are_refused() {
    let app = spawn_app().await;
    let (token, id) = user_with_environment(&app, "ada").await;
    let path = format!("/api/containers/{id}/exec/stream");
    for (body, code) in [
        (json!({"command": []}), "INVALID_COMMAND"),
        (
            json!({"command": ["ls"], "working_dir": "relative"}),
            "INVALID_WORKING_DIR",
        ),
        (json!({"command": ["ls"], "timeout": 0}), "INVALID_TIMEOUT"),
        (json!({"command": ["ls"], "env": ["=x"]}), "INVALID_ENV"),
    ] {
        assert_error(app.post(&path, Some(&token), &body).await, 400, code).await;
    }
    let stranger = app.user_token("mallory").await;
    let body = json!({"command": ["true"]});
    assert_error(
        app.post(&path, Some(&stranger), &body).await,
        404,
        "CONTAINER_NOT_FOUND",
    )
    .await;
    let read_only = app.api_token(&token, &["read"]).await;
    let read_only = read_only["token"].as_str().unwrap();
    let response = app.post(&path, Some(read_only), &body).await;
    assert_eq!(response.status(), 403);
}

#[tokio::test]
async fn a_caller_who_hangs_up_has_the_command_killed() {
    let app = spawn_app().await;
    let (token, id) = user_with_environment(&app, "ada").await;
    let path = format!("/api/containers/{id}/exec/stream");
    let body = json!({"command": ["sh", "-c", "echo started; exec sleep 300"]});
    let response = app.post(&path, Some(&token), &body).await;
    let mut chunks = response.bytes_stream();
    let first = chunks.next().await.unwrap().unwrap();
    assert!(String::from_utf8_lossy(&first).contains("started"));
    let container = app.container(&token, &id).await.1["docker_id"]
        .as_str()
        .unwrap()
        .to_string();
    let sleeping = || {
        let output = engine::exec(
            &app.settings,
            &container,
            "ps -o args | grep -c '^sleep 300'",
        );
        String::from_utf8_lossy(&output.stdout).trim().to_string()
    };
    assert_eq!(sleeping(), "1");
    drop(chunks);
    // Noticed at the next write, a heartbeat at the latest (5 s).
    let deadline = tokio::time::Instant::now() + Duration::from_secs(15);
    while sleeping() != "0" {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the command outlived its caller"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}
