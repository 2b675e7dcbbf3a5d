//! Creating environments and waiting on them.

use std::time::{Duration, Instant};

use serde_json::{json, Value};

use super::app::TestApp;

/// How long provisioning a busybox environment may take on a busy engine.
pub const READY_WITHIN: Duration = Duration::from_secs(120);

/// The tiny image tests use wherever no role needs a real distribution.
pub fn busybox(app: &TestApp) -> String {
    format!("{}/sandboxd/busybox:latest", app.settings.registry)
}

/// Busybox whose /bin/sh sleeps forever (docker/base/silent, made by scripts/images.sh): an
/// environment from it never reports that it is configured.
pub fn silent(app: &TestApp) -> String {
    format!("{}/sandboxd/silent:latest", app.settings.registry)
}

impl TestApp {
    pub async fn create(&self, token: &str, body: Value) -> (u16, Value) {
        let response = self.post("/api/containers", Some(token), &body).await;
        let status = response.status().as_u16();
        (status, response.json().await.unwrap_or(Value::Null))
    }

    pub async fn create_busybox(&self, token: &str, extra: Value) -> Value {
        let mut body = json!({"image": "custom", "custom_image": busybox(self), "role": "barebone",
                              "shell": {"enhanced": false}});
        merge(&mut body, extra);
        let (status, created) = self.create(token, body).await;
        assert_eq!(status, 202, "{created}");
        created
    }

    /// Creates a busybox environment and returns its id at once, while it is still creating.
    pub async fn creating_busybox(&self, token: &str) -> String {
        let created = self.create_busybox(token, json!({})).await;
        created["id"].as_str().unwrap().to_string()
    }

    /// Creates a busybox environment with `extra` options, waits until it runs; returns its id.
    pub async fn running_busybox(&self, token: &str, extra: Value) -> String {
        let created = self.create_busybox(token, extra).await;
        let id = created["id"].as_str().unwrap().to_string();
        self.wait_running(token, &id, READY_WITHIN).await;
        id
    }

    pub async fn container(&self, token: &str, id: &str) -> (u16, Value) {
        let response = self
            .get(&format!("/api/containers/{id}"), Some(token))
            .await;
        let status = response.status().as_u16();
        (status, response.json().await.unwrap_or(Value::Null))
    }

    /// Polls until the environment leaves `creating`, and returns it.
    pub async fn wait_settled(&self, token: &str, id: &str, within: Duration) -> Value {
        let deadline = Instant::now() + within;
        loop {
            let (status, body) = self.container(token, id).await;
            assert_eq!(status, 200, "{body}");
            if body["status"] != "creating" {
                return body;
            }
            assert!(
                Instant::now() < deadline,
                "still creating after {within:?}: {body}"
            );
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }

    pub async fn wait_running(&self, token: &str, id: &str, within: Duration) -> Value {
        let body = self.wait_settled(token, id, within).await;
        assert_eq!(body["status"], "running", "{body}");
        assert_eq!(body["stage"], "ready");
        assert_eq!(body["progress"], 100);
        body
    }

    /// Polls until the environment's status is `status`.
    pub async fn wait_status(&self, token: &str, id: &str, status: &str, within: Duration) {
        let deadline = Instant::now() + within;
        while self.container(token, id).await.1["status"] != status {
            assert!(Instant::now() < deadline, "{id} never {status}");
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }

    /// Pauses the environment through the API, as its owner.
    pub async fn pause(&self, token: &str, id: &str) {
        let paused = self
            .post(
                &format!("/api/containers/{id}/pause"),
                Some(token),
                &json!({}),
            )
            .await;
        assert_eq!(paused.status(), 200);
    }

    pub async fn usage(&self, token: &str) -> i64 {
        let me = self.me(token).await;
        me["usage"]["containers_used"].as_i64().unwrap()
    }
}

/// Registers `username` and gives them one running busybox environment; returns (token, id).
pub async fn user_with_environment(app: &TestApp, username: &str) -> (String, String) {
    let token = app.user_token(username).await;
    let id = app.running_busybox(&token, json!({})).await;
    (token, id)
}

fn merge(base: &mut Value, extra: Value) {
    if let (Some(base), Value::Object(extra)) = (base.as_object_mut(), extra) {
        base.extend(extra);
    }
}
