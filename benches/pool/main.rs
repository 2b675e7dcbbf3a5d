//! `cargo bench --bench pool`: what warm pools buy, in one run on this machine:
//!
//! 1. POST → ready from a warm pool and by the usual path, against `docker run -d` of the same
//!    image and `docker start` of a container made beforehand, interleaved;
//! 2. create, then exec `echo ok` as soon as the API lets it, until its output is read (the
//!    figure an independent benchmark of sandbox services reports), 100 runs;
//! 3. 50 creates at once against a pool of 10: all ready, none in error, and how long the pool
//!    takes to be full again.
//!
//! The server runs in the benchmark's process over a database of its own; everything it made
//! is removed at the end, pass or fail.

mod burst;
#[path = "../common/mod.rs"]
mod common;
mod first_output;
mod ready;

use std::time::{Duration, Instant};

use anyhow::{bail, ensure};
use common::api::{login, sign_up, Api};
use common::in_process::InProcess;
use common::results::Results;
use common::server::{ADMIN_EMAIL, ADMIN_PASSWORD};
use common::stage::only_listing;
use reqwest::Method;
use sandboxd::config::Settings;
use serde_json::{json, Value};

/// Readiness is polled this often, so the poll adds little to the time measured.
const POLL: Duration = Duration::from_millis(2);

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    if only_listing() {
        return Ok(());
    }
    let server = InProcess::start(|settings| {
        settings.node.cpu_overcommit = 1000.0;
        settings.node.memory_overcommit = 1000.0;
        settings.node.pool_refill_every = Duration::from_millis(100);
    })
    .await?;
    // The burst needs room for 50 environments of one user.
    server
        .database
        .execute("UPDATE tiers SET max_containers = 200 WHERE name = 'free'")
        .await?;
    let outcome = measure(&server.settings, &server.base).await;
    server.finish(outcome).await
}

async fn measure(settings: &Settings, base: &str) -> anyhow::Result<()> {
    let client = reqwest::Client::new();
    let admin = Api {
        token: login(&client, base, ADMIN_EMAIL, ADMIN_PASSWORD).await?,
        client,
        base: base.to_string(),
    };
    // A user of the free tier, whose default limits are the pool's shape.
    let api = sign_up(base, "pool-bench", "pool-bench-password").await?;
    let (status, pool) = admin
        .call(
            Method::POST,
            "/api/admin/pools",
            Some(&json!({"node": settings.node.name, "size": 1})),
        )
        .await?;
    ensure!(status.as_u16() == 201, "the pool was not made: {pool}");
    let pool = Pool {
        id: pool["id"].as_str().unwrap_or_default().to_string(),
        admin,
    };
    let mut results = Results::new(
        "pool",
        "warm pools: POST -> ready and create -> first output, against the usual path and the engine",
    );
    ready::measure(&api, &pool, settings, &mut results).await?;
    first_output::measure(&api, &pool, settings, &mut results).await?;
    burst::measure(&api, &pool, &mut results).await?;
    results.finish()
}

/// The benchmark's pool, through the admin API.
pub struct Pool {
    pub id: String,
    pub admin: Api,
}

impl Pool {
    pub async fn resize(&self, size: i32) -> anyhow::Result<()> {
        let path = format!("/api/admin/pools/{}", self.id);
        let (status, answer) = self
            .admin
            .call(Method::PATCH, &path, Some(&json!({"size": size})))
            .await?;
        ensure!(status.is_success(), "resize answered {status}: {answer}");
        Ok(())
    }

    /// Waits until `ready` members are ready and none is being made; how long that took.
    pub async fn filled(&self, ready: i64, within: Duration) -> anyhow::Result<Duration> {
        let started = Instant::now();
        loop {
            let seen = self
                .admin
                .get(&format!("/api/admin/pools/{}", self.id))
                .await?;
            if seen["ready"] == ready && seen["making"] == 0 {
                return Ok(started.elapsed());
            }
            if started.elapsed() > within {
                bail!("the pool never held {ready} ready: {seen}");
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

/// The image the pool's members run, as the engine knows it: the engine baselines run it.
pub fn barebone_image(settings: &sandboxd::config::Settings) -> String {
    format!("{}/sandboxd/debian-barebone:bookworm", settings.registry)
}

/// POST /api/containers, then polls the environment until it runs: the id and the time.
pub async fn create_ready(api: &Api, request: &Value) -> anyhow::Result<(String, Duration)> {
    let started = Instant::now();
    let id = api.create(request).await?;
    let path = format!("/api/containers/{id}");
    loop {
        let seen = api.get(&path).await?;
        match seen["status"].as_str() {
            Some("running") => return Ok((id, started.elapsed())),
            Some("creating") => {}
            _ => bail!("provisioning failed: {seen}"),
        }
        if started.elapsed() > Duration::from_secs(120) {
            bail!("not ready within 120 s: {seen}");
        }
        tokio::time::sleep(POLL).await;
    }
}
