//! OSAPI's node-targeted routes: creates addressed by `_any`, a node, a label or `_all`, and
//! execs through the node an environment lives on, in OSAPI's `{job_id, results}` shapes.

mod create;
mod exec;
mod workload;

use serde_json::{json, Value};

use crate::support::app::TestApp;
use crate::support::provisioning::busybox;

/// An OSAPI create body for the tests' busybox image.
fn body(app: &TestApp) -> Value {
    json!({"image": busybox(app), "env": ["GREETING=hello"]})
}

/// `POST /api/node/{hostname}/container/docker`: the status and the body.
async fn create(app: &TestApp, token: &str, hostname: &str, body: &Value) -> (u16, Value) {
    let path = format!("/api/node/{hostname}/container/docker");
    let response = app.post(&path, Some(token), body).await;
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// `POST /api/node/{hostname}/container/docker/{id}/exec`.
async fn exec(
    app: &TestApp,
    token: &str,
    hostname: &str,
    id: &str,
    command: &[&str],
) -> reqwest::Response {
    let path = format!("/api/node/{hostname}/container/docker/{id}/exec");
    app.post(&path, Some(token), &json!({"command": command}))
        .await
}

/// Asserts one create result in OSAPI's shape, made on `hostname`; returns its id.
fn assert_made(result: &Value, hostname: &str, image: &str) -> String {
    assert_eq!(result["hostname"], hostname, "{result}");
    assert_eq!(result["image"], image, "{result}");
    assert_eq!(result["state"], "creating", "{result}");
    assert_eq!(result["changed"], true, "{result}");
    assert!(result["error"].is_null(), "{result}");
    assert!(result["name"].as_str().is_some_and(|n| !n.is_empty()));
    let created = result["created"].as_str().unwrap();
    assert!(
        chrono::DateTime::parse_from_rfc3339(created).is_ok(),
        "{result}"
    );
    result["id"].as_str().unwrap().to_string()
}
