//! Many nodes: the test stack's extra Docker engines (node-b, node-c), each with a real
//! `sandboxd worker --node` beside it, and placement among them and the app's own engine.

mod down;
mod engines;
mod placing;
mod reach;
mod relay;
mod room;
mod tls;

use std::process::Child;
use std::time::{Duration, Instant};

use sandboxd::config::{EngineTls, Settings};
use serde_json::{json, Value};
use sqlx::PgPool;

use crate::support::app::TestApp;
use crate::support::engine;
use crate::support::provisioning::busybox;

/// What the test stack says of an extra engine named like `node-b`:
/// `SANDBOXD_TEST_NODE_B_{what}`.
fn stack_value(node: &str, what: &str) -> String {
    let node = node.to_ascii_uppercase().replace('-', "_");
    let variable = format!("SANDBOXD_TEST_{node}_{what}");
    std::env::var(&variable).unwrap_or_else(|_| {
        panic!("{variable} is not set: the test stack starts the extra engines")
    })
}

/// The socket of an extra engine of the test stack.
pub fn engine_of(node: &str) -> String {
    stack_value(node, "DOCKER_HOST")
}

/// The address at which an extra engine answers over TCP with mutual TLS.
pub fn tls_engine_of(node: &str) -> String {
    stack_value(node, "TLS_HOST")
}

/// The certificates the test stack's engines trust: their authority, and a client's.
pub fn engine_tls() -> EngineTls {
    let dir = std::path::PathBuf::from(
        std::env::var("SANDBOXD_TEST_ENGINE_TLS_DIR").expect("SANDBOXD_TEST_ENGINE_TLS_DIR"),
    );
    EngineTls {
        ca: dir.join("ca.pem"),
        cert: dir.join("client.pem"),
        key: dir.join("client-key.pem"),
    }
}

/// A `sandboxd worker --node NAME` beside one of the extra engines, over the test app's
/// database and Redis. Killed on drop, and what the app made on its engine removed.
pub struct NodeWorker {
    child: Child,
    /// The app's settings over the node's engine socket, for the docker CLI's checks.
    settings: Settings,
    node: String,
    labels: String,
    /// How the worker reaches its engine: by its socket, or over TCP with mutual TLS.
    reach: Reach,
}

#[derive(Clone)]
pub enum Reach {
    Socket,
    Tls(EngineTls),
    /// Through a relay's socket (`unix://...`) the test can cut.
    Relay(String),
}

impl NodeWorker {
    pub async fn start(app: &TestApp, node: &str, labels: &str) -> Self {
        Self::start_reaching(app, node, labels, Reach::Socket).await
    }

    pub async fn start_reaching(app: &TestApp, node: &str, labels: &str, reach: Reach) -> Self {
        let mut settings = app.settings.clone();
        settings.docker_host = engine_of(node);
        let child = spawn(&settings, node, labels, &reach);
        let worker = Self {
            child,
            settings,
            node: node.to_string(),
            labels: labels.to_string(),
            reach,
        };
        let db = database(app).await;
        let deadline = Instant::now() + Duration::from_secs(30);
        while !registered(&db, node).await {
            assert!(Instant::now() < deadline, "{node} never registered");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        worker
    }

    /// SIGKILL: the node's heartbeats stop; its engine and containers stay.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// The worker again, after [`Self::kill`].
    pub fn restart(&mut self) {
        self.child = spawn(&self.settings, &self.node, &self.labels, &self.reach);
    }

    /// The engine's own view of the environment's container.
    pub fn holds(&self, environment: &str) -> bool {
        engine::docker(&self.settings, &["inspect", &format!("sbx-{environment}")])
            .status
            .success()
    }

    /// Runs the docker CLI against this node's engine.
    pub fn docker(&self, args: &[&str]) -> std::process::Output {
        engine::docker(&self.settings, args)
    }
}

fn spawn(settings: &Settings, node: &str, labels: &str, reach: &Reach) -> Child {
    let mut command = engine::worker_command(settings);
    match reach {
        Reach::Socket => {}
        Reach::Tls(tls) => {
            command
                .env("SANDBOXD_DOCKER_HOST", tls_engine_of(node))
                .env("SANDBOXD_ENGINE_TLS_CA", &tls.ca)
                .env("SANDBOXD_ENGINE_TLS_CERT", &tls.cert)
                .env("SANDBOXD_ENGINE_TLS_KEY", &tls.key);
        }
        Reach::Relay(address) => {
            command.env("SANDBOXD_DOCKER_HOST", address);
        }
    }
    command
        .args(["--node", node, "--labels", labels])
        // The same room as the app's own node, so that room alone decides.
        .env("SANDBOXD_NODE_CPU_OVERCOMMIT", "1000")
        .env("SANDBOXD_NODE_MEMORY_OVERCOMMIT", "1000")
        .env("SANDBOXD_WORKERS", "2")
        // Tests that take a node down wait for its heartbeats to stop counting.
        .env("SANDBOXD_NODE_HEARTBEAT_SECONDS", "0.5")
        .env("SANDBOXD_HOUSEKEEPING_SECONDS", "0.5")
        .spawn()
        .expect("the sandboxd binary starts")
}

impl Drop for NodeWorker {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        engine::remove_everything_of(&self.settings);
    }
}

pub async fn database(app: &TestApp) -> PgPool {
    PgPool::connect(&app.settings.database_url).await.unwrap()
}

async fn registered(db: &PgPool, node: &str) -> bool {
    sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM nodes WHERE name = $1)")
        .bind(node)
        .fetch_one(db)
        .await
        .unwrap()
}

/// The create body of a small busybox environment (a quarter CPU, 256 MB) on `node`; `None`
/// names no node, as most creates do.
pub fn small_busybox(app: &TestApp, node: Option<&str>) -> Value {
    let mut body = json!({"image": "custom", "custom_image": busybox(app), "role": "barebone",
                          "shell": {"enhanced": false}, "memory_mb": 256, "cpu_shares": 250});
    if let Some(node) = node {
        body["node"] = json!(node);
    }
    body
}

/// Sets every node's memory overcommit: how the tests make room appear and disappear.
pub async fn set_memory_overcommit(db: &PgPool, ratio: f32) {
    sqlx::query("UPDATE nodes SET memory_overcommit = $1")
        .bind(ratio)
        .execute(db)
        .await
        .unwrap();
}

/// Asks the API to run `true` in the environment; its answer, for the tests of refusals.
pub async fn exec_true(app: &TestApp, token: &str, id: &str) -> reqwest::Response {
    app.post(
        &format!("/api/containers/{id}/exec"),
        Some(token),
        &json!({"command": ["true"]}),
    )
    .await
}

/// Runs `echo` in the environment through the API, and returns what it printed.
pub async fn echo(app: &TestApp, token: &str, id: &str) -> String {
    let response = app
        .post(
            &format!("/api/containers/{id}/exec"),
            Some(token),
            &json!({"command": ["echo", "reached"]}),
        )
        .await;
    let job: Value = response.json().await.unwrap();
    job["results"][0]["stdout"]
        .as_str()
        .unwrap_or_default()
        .to_string()
}
