//! Snapshots and forks on the real stack: an environment's files saved to the registry and
//! started again, here and on another node; quotas; strangers; failures that leave nothing.

mod failures;
mod forks;
mod quotas;
mod strangers;
mod taking;

use reqwest::StatusCode;
use sandboxd::config::Settings;
use serde_json::{json, Value};

use crate::support::app::TestApp;
use crate::support::engine;

/// Takes a snapshot of environment `id`; the status and body.
pub async fn snapshot(app: &TestApp, token: &str, id: &str, body: Value) -> (u16, Value) {
    let response = app
        .post(
            &format!("/api/containers/{id}/snapshots"),
            Some(token),
            &body,
        )
        .await;
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

pub async fn fork(app: &TestApp, token: &str, id: &str, body: Value) -> (u16, Value) {
    let response = app
        .post(&format!("/api/containers/{id}/fork"), Some(token), &body)
        .await;
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

pub async fn list(app: &TestApp, token: &str) -> Value {
    let response = app.get("/api/snapshots", Some(token)).await;
    assert_eq!(response.status(), 200);
    response.json().await.unwrap()
}

/// Whether the registry holds `image` (`host/repository:tag`), asked over its own API.
pub async fn registry_has(image: &str) -> bool {
    let (name, tag) = image.rsplit_once(':').unwrap();
    let (host, repository) = name.split_once('/').unwrap();
    let response = reqwest::Client::new()
        .head(format!("http://{host}/v2/{repository}/manifests/{tag}"))
        .header(
            "Accept",
            "application/vnd.docker.distribution.manifest.v2+json",
        )
        .send()
        .await
        .unwrap();
    match response.status() {
        StatusCode::OK => true,
        StatusCode::NOT_FOUND => false,
        other => panic!("the registry answered {other} for {image}"),
    }
}

/// Writes `text` to /srv/note in the environment's container, through the engine.
pub fn write_note(settings: &Settings, id: &str, text: &str) {
    let written = engine::exec(
        settings,
        &format!("sbx-{id}"),
        &format!("mkdir -p /srv && echo {text} > /srv/note && sync"),
    );
    assert!(written.status.success(), "{written:?}");
}

/// What /srv/note holds in the environment's container.
pub fn read_note(settings: &Settings, id: &str) -> String {
    let read = engine::exec(settings, &format!("sbx-{id}"), "cat /srv/note");
    String::from_utf8_lossy(&read.stdout).trim().to_string()
}

/// The images the app's engine holds that were made from its environments.
pub fn committed_images(settings: &Settings) -> Vec<String> {
    let label = format!("sandboxd.instance={}", settings.redis_prefix);
    engine::images_with(settings, &label)
}

/// Creates an environment from one of the caller's snapshots; status and body.
pub async fn create_from(app: &TestApp, token: &str, snapshot: &str, extra: Value) -> (u16, Value) {
    let mut body = json!({"image": "snapshot", "snapshot": snapshot, "role": "barebone",
                          "shell": {"enhanced": false}});
    for (key, value) in extra.as_object().unwrap() {
        body[key] = value.clone();
    }
    app.create(token, body).await
}
