//! One simulated user of `make load`: signs up, then creates, uses and deletes environments
//! until told to stop, tallying every answer.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::ensure;
use reqwest::{Client, Method, StatusCode};
use serde_json::{json, Value};

use crate::common::api::login;
use crate::{PASSWORD, QUOTA, READY_WITHIN};

/// `path` with its ids (UUIDs) replaced by `{id}`, so requests group by route.
fn route_of(path: &str) -> String {
    let path = path.split('?').next().unwrap_or(path);
    path.split('/')
        .map(|part| {
            if uuid::Uuid::parse_str(part).is_ok() {
                "{id}"
            } else {
                part
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// What every simulated user reports back.
#[derive(Default)]
pub struct Tally {
    pub latencies: Vec<Duration>,
    /// The same latencies by method and route, ids left out.
    pub by_route: BTreeMap<String, Vec<Duration>>,
    pub requests: u64,
    pub server_errors: Vec<String>,
    pub quota_violations: Vec<String>,
    pub refusals_at_quota: u64,
    pub cycles: u64,
    /// Environments that ended in `error`, with their messages.
    pub failed_environments: Vec<String>,
    /// Environments not running within READY_WITHIN (a slow engine; not a failure by itself).
    pub late_environments: u64,
}

enum Readiness {
    Running,
    Failed(String),
    Late,
}

pub struct User {
    pub client: Client,
    pub base: String,
    pub token: String,
    pub image: String,
    pub tally: Arc<Mutex<Tally>>,
}

impl User {
    /// One timed request; a 5xx is recorded with what was asked.
    async fn call(&self, method: Method, path: &str, body: Option<Value>) -> (StatusCode, Value) {
        let mut request = self
            .client
            .request(method.clone(), format!("{}{path}", self.base))
            .bearer_auth(&self.token);
        if let Some(body) = body {
            request = request.json(&body);
        }
        let started = Instant::now();
        let outcome = request.send().await;
        let elapsed = started.elapsed();
        let (status, value) = match outcome {
            Ok(response) => {
                let status = response.status();
                (status, response.json().await.unwrap_or(Value::Null))
            }
            Err(err) => (
                StatusCode::BAD_GATEWAY,
                json!({"error": format!("transport: {err}")}),
            ),
        };
        let mut tally = self.tally.lock().expect("tally lock");
        tally.requests += 1;
        tally.latencies.push(elapsed);
        tally
            .by_route
            .entry(format!("{method} {}", route_of(path)))
            .or_default()
            .push(elapsed);
        if status.is_server_error() {
            tally
                .server_errors
                .push(format!("{method} {path}: {status} {value}"));
        }
        (status, value)
    }

    fn violation(&self, what: String) {
        self.tally
            .lock()
            .expect("tally lock")
            .quota_violations
            .push(what);
    }

    async fn create(&self, held: &mut Vec<String>) {
        let body = json!({"image": "custom", "custom_image": self.image, "role": "barebone"});
        let (status, value) = self.call(Method::POST, "/api/containers", Some(body)).await;
        match status {
            StatusCode::ACCEPTED if held.len() < QUOTA => {
                held.push(value["id"].as_str().unwrap_or_default().to_string())
            }
            StatusCode::ACCEPTED => {
                self.violation(format!("create accepted with {} held", held.len()))
            }
            StatusCode::FORBIDDEN if held.len() >= QUOTA => {
                self.tally.lock().expect("tally lock").refusals_at_quota += 1
            }
            StatusCode::FORBIDDEN => {
                self.violation(format!("create refused with {} held: {value}", held.len()))
            }
            _ => {}
        }
    }

    async fn wait_running(&self, id: &str) -> Readiness {
        let deadline = Instant::now() + READY_WITHIN;
        while Instant::now() < deadline {
            let (_, value) = self
                .call(Method::GET, &format!("/api/containers/{id}"), None)
                .await;
            match value["status"].as_str() {
                Some("running") => return Readiness::Running,
                Some("error") => return Readiness::Failed(value["message"].to_string()),
                _ => tokio::time::sleep(Duration::from_millis(500)).await,
            }
        }
        Readiness::Late
    }

    async fn work_in(&self, id: &str) {
        let exec = json!({"command": ["echo", "load"], "timeout": 30});
        self.call(
            Method::POST,
            &format!("/api/containers/{id}/exec"),
            Some(exec),
        )
        .await;
        self.call(Method::GET, &format!("/api/containers/{id}/stats"), None)
            .await;
        self.call(Method::GET, "/api/containers", None).await;
        self.call(Method::GET, "/api/me", None).await;
    }

    /// Fill the quota, check the next create is refused, use one, delete one; repeat.
    pub async fn run(self, stop: Arc<AtomicBool>) {
        let mut held: Vec<String> = Vec::new();
        while !stop.load(Ordering::Relaxed) {
            while held.len() < QUOTA && !stop.load(Ordering::Relaxed) {
                self.create(&mut held).await;
            }
            self.create(&mut held).await; // at the limit: must be refused
            if let Some(id) = held.first().cloned() {
                match self.wait_running(&id).await {
                    Readiness::Running => self.work_in(&id).await,
                    Readiness::Failed(message) => {
                        let mut tally = self.tally.lock().expect("tally lock");
                        tally.failed_environments.push(message);
                    }
                    Readiness::Late => {
                        self.tally.lock().expect("tally lock").late_environments += 1
                    }
                }
                let (status, _) = self
                    .call(Method::DELETE, &format!("/api/containers/{id}"), None)
                    .await;
                if status.is_success() {
                    held.remove(0);
                }
            }
            self.tally.lock().expect("tally lock").cycles += 1;
        }
        for id in held {
            self.call(Method::DELETE, &format!("/api/containers/{id}"), None)
                .await;
        }
    }
}

pub async fn sign_up(client: &Client, base: &str, n: usize) -> anyhow::Result<String> {
    let name = format!("load{n}");
    let email = format!("{name}@example.com");
    let registered = client
        .post(format!("{base}/api/auth/register"))
        .json(&json!({"email": email, "username": name, "password": PASSWORD}))
        .send()
        .await?;
    ensure!(
        registered.status() == 201,
        "register {name}: {}",
        registered.status()
    );
    login(client, base, &email, PASSWORD).await
}
