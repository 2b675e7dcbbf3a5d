//! Bulk and batch operations: results per environment, mixed outcomes, the seed's errors.

use std::time::Duration;

use serde_json::{json, Value};

use crate::support::app::{assert_error, spawn_app};
use crate::support::provisioning::user_with_environment;

/// How long a stop may take on a busy engine.
const STOP_WITHIN: Duration = Duration::from_secs(30);

#[tokio::test]
async fn a_batch_reports_each_environment_with_successes_and_failures_mixed() {
    let app = spawn_app().await;
    let (token, running) = user_with_environment(&app, "batcher").await;
    let stopped = app.running_busybox(&token, json!({})).await;
    let (_, strangers) = user_with_environment(&app, "stranger").await;
    let stop = app
        .post(
            &format!("/api/containers/{stopped}/stop?timeout=1"),
            Some(&token),
            &Value::Null,
        )
        .await;
    assert_eq!(stop.status(), 202);
    app.wait_status(&token, &stopped, "stopped", STOP_WITHIN)
        .await;

    let response = app
        .post(
            "/api/containers/batch",
            Some(&token),
            &json!({"action": "start", "containerIds": [stopped, running, "no-such-env", strangers]}),
        )
        .await;
    assert_eq!(response.status(), 200);
    let outcome: Value = response.json().await.unwrap();
    assert_eq!(outcome["message"], "Batch operation completed");
    assert_eq!(
        (
            outcome["total"].as_u64(),
            outcome["success"].as_u64(),
            outcome["failed"].as_u64()
        ),
        (Some(4), Some(1), Some(3)),
        "{outcome}"
    );
    let results = outcome["results"].as_array().unwrap();
    assert_eq!(results[0]["id"], stopped.as_str());
    assert_eq!(results[0]["success"], true);
    assert!(results[0].get("error").is_none());
    assert_eq!(results[1]["success"], false);
    assert!(
        results[1]["error"]
            .as_str()
            .unwrap()
            .contains("already running"),
        "{outcome}"
    );
    assert_eq!(results[2]["error"], "Container not found");
    assert_eq!(results[3]["error"], "Container not found");
    // The batch waited for the start: the environment is running when it answers.
    assert_eq!(app.container(&token, &stopped).await.1["status"], "running");
    // The stranger's environment was not touched.
    let inspected = crate::support::engine::inspect(&app.settings, &format!("sbx-{strangers}"));
    assert_eq!(inspected["State"]["Running"], true);
}

#[tokio::test]
async fn stop_all_and_start_all_cover_every_environment_of_the_caller_only() {
    let app = spawn_app().await;
    let (token, first) = user_with_environment(&app, "bulk").await;
    let second = app.running_busybox(&token, json!({})).await;
    let (other, theirs) = user_with_environment(&app, "bystander").await;

    let response = app
        .post(
            "/api/containers/stop-all?timeout=1",
            Some(&token),
            &Value::Null,
        )
        .await;
    assert_eq!(response.status(), 200);
    let outcome: Value = response.json().await.unwrap();
    assert_eq!(outcome["message"], "Stop all operation completed");
    assert_eq!(
        (outcome["total"].as_u64(), outcome["success"].as_u64()),
        (Some(2), Some(2)),
        "{outcome}"
    );
    for id in [&first, &second] {
        assert_eq!(app.container(&token, id).await.1["status"], "stopped");
    }
    assert_eq!(app.container(&other, &theirs).await.1["status"], "running");

    let outcome: Value = app
        .post("/api/containers/start-all", Some(&token), &Value::Null)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(outcome["success"], 2, "{outcome}");
    let outcome: Value = app
        .post(
            "/api/containers/restart-all?timeout=1",
            Some(&token),
            &Value::Null,
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(outcome["message"], "Restart all operation completed");
    assert_eq!(outcome["success"], 2, "{outcome}");
}

#[tokio::test]
async fn batch_requests_need_a_known_action_some_ids_and_a_sane_timeout() {
    let app = spawn_app().await;
    let token = app.user_token("sloppy").await;
    let cases = [
        (
            json!({"action": "explode", "containerIds": ["x"]}),
            "INVALID_ACTION",
        ),
        (
            json!({"action": "stop", "containerIds": []}),
            "EMPTY_CONTAINER_LIST",
        ),
        (
            json!({"action": "stop", "containerIds": ["x"], "timeout": 0}),
            "INVALID_TIMEOUT",
        ),
    ];
    for (body, code) in cases {
        let response = app.post("/api/containers/batch", Some(&token), &body).await;
        assert_error(response, 400, code).await;
    }
    let response = app
        .post(
            "/api/containers/stop-all?timeout=500",
            Some(&token),
            &Value::Null,
        )
        .await;
    assert_error(response, 400, "INVALID_TIMEOUT").await;
}
