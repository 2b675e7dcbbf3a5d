//! Start, stop and restart: 202 at once, the outcome on /ws/events, the state in the API.

use serde_json::Value;

use crate::support::app::{assert_error, spawn_app, TestApp};
use crate::support::provisioning::user_with_environment;
use crate::support::ws::{self, notification};

async fn status_of(app: &TestApp, token: &str, id: &str) -> String {
    let (_, body) = app.container(token, id).await;
    body["status"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn stop_then_start_round_trips_with_notifications_and_status() {
    let app = spawn_app().await;
    let (token, id) = user_with_environment(&app, "cycler").await;
    let mut events = ws::events(&app, &token).await;
    let container = format!("sbx-{id}");
    let wrote =
        crate::support::engine::exec(&app.settings, &container, "echo kept > /root/notes.txt");
    assert!(wrote.status.success());

    let response = app
        .post(
            &format!("/api/containers/{id}/stop?timeout=5"),
            Some(&token),
            &Value::Null,
        )
        .await;
    assert_eq!(response.status(), 202);
    let accepted: Value = response.json().await.unwrap();
    assert_eq!(accepted["status"], "accepted");
    assert_eq!(accepted["containerId"], id.as_str());
    assert_eq!(accepted["timeout"], 5);
    let done = notification(&mut events, "container.stop.completed").await;
    assert_eq!(done["data"]["containerId"], id.as_str());
    assert_eq!(done["data"]["status"], "stopped");
    assert_eq!(status_of(&app, &token, &id).await, "stopped");
    let inspected = crate::support::engine::inspect(&app.settings, &format!("sbx-{id}"));
    assert_eq!(inspected["State"]["Running"], false);

    let again = app
        .post(
            &format!("/api/containers/{id}/stop"),
            Some(&token),
            &Value::Null,
        )
        .await;
    assert_error(again, 409, "CONTAINER_ALREADY_STOPPED").await;
    let terminal = ws::connect(&app, &format!("/ws/terminal/{id}?token={token}")).await;
    assert!(terminal.is_err(), "a stopped environment has no terminal");

    let response = app
        .post(
            &format!("/api/containers/{id}/start"),
            Some(&token),
            &Value::Null,
        )
        .await;
    assert_eq!(response.status(), 202);
    notification(&mut events, "container.start.completed").await;
    assert_eq!(status_of(&app, &token, &id).await, "running");
    let read = crate::support::engine::exec(&app.settings, &container, "cat /root/notes.txt");
    assert_eq!(
        String::from_utf8_lossy(&read.stdout),
        "kept\n",
        "files survive a stop"
    );

    let response = app
        .post(
            &format!("/api/containers/{id}/restart?timeout=1"),
            Some(&token),
            &Value::Null,
        )
        .await;
    assert_eq!(response.status(), 202);
    let done = notification(&mut events, "container.restart.completed").await;
    assert_eq!(done["data"]["status"], "restarted");
    assert_eq!(status_of(&app, &token, &id).await, "running");
}

#[tokio::test]
async fn lifecycle_calls_refuse_bad_timeouts_running_starts_and_strangers() {
    let app = spawn_app().await;
    let (token, id) = user_with_environment(&app, "careful").await;
    let stranger = app.user_token("stranger").await;
    for timeout in ["0", "301"] {
        let response = app
            .post(
                &format!("/api/containers/{id}/stop?timeout={timeout}"),
                Some(&token),
                &Value::Null,
            )
            .await;
        assert_error(response, 400, "INVALID_TIMEOUT").await;
    }
    let response = app
        .post(
            &format!("/api/containers/{id}/start"),
            Some(&token),
            &Value::Null,
        )
        .await;
    assert_error(response, 409, "CONTAINER_ALREADY_STARTED").await;
    for action in ["start", "stop", "restart"] {
        let response = app
            .post(
                &format!("/api/containers/{id}/{action}"),
                Some(&stranger),
                &Value::Null,
            )
            .await;
        assert_error(response, 404, "CONTAINER_NOT_FOUND").await;
    }
    assert_eq!(status_of(&app, &token, &id).await, "running");
}
