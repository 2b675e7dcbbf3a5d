//! `cargo bench --bench fleet`: fifty environments for one user.
//!
//! 1. Provisioning: 50 barebone environments requested at once on a cached image, until all
//!    are running, against 50 `docker run -d` of the same image started at once, one after
//!    the other on the same engine.
//! 2. Listing: `GET /api/containers` of that user under 64 keep-alive connections, against
//!    the engine's own `GET /containers/json` of the same 50 containers over its socket, from
//!    the same load generator; timed runs alternate.
//!
//! The server is a separate `sandboxd serve` process over a fresh database.

mod common;

use std::path::PathBuf;
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use anyhow::{bail, ensure, Context};
use common::database::Database;
use common::load::{self, Endpoint, Target};
use common::results::{Figure, Results};
use common::server::{docker, raise_open_files, remove_labelled, Server};
use common::stats::{median, ms, percentile};
use futures_util::future::join_all;
use sandboxd::config::Settings;
use serde_json::{json, Value};

const ENVIRONMENTS: usize = 50;
const CONNECTIONS: usize = 64;
const WARMUP: Duration = Duration::from_secs(2);
const LOAD_ROUNDS: usize = 3;
const LOAD_RUN: Duration = Duration::from_secs(5);

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    // Test runners that list every target (`--list`) get nothing: this is a benchmark.
    if std::env::args().any(|arg| arg == "--list") {
        return Ok(());
    }
    raise_open_files(65_536)?;
    let settings = Settings::from_env()?;
    let database = Database::fresh(&settings.database_url).await?;
    let prefix = format!("sandboxd-bench:{}", uuid::Uuid::new_v4().simple());
    let mut server = Server::spawn(&settings, &database.url, &prefix, "fleet", &[])?;
    let outcome = run(&settings, &database, &server).await;
    server.stop();
    remove_labelled(
        &settings.docker_host,
        &format!("label=sandboxd.bench={prefix}"),
    );
    database.drop().await;
    if outcome.is_err() {
        eprintln!("server log: {}", server.log_path);
    }
    outcome
}

async fn run(settings: &Settings, database: &Database, server: &Server) -> anyhow::Result<()> {
    server.wait_ready(Duration::from_millis(50)).await?;
    // The seeded admin's tier allows fewer environments than the benchmark holds.
    database
        .execute("UPDATE tiers SET max_containers = 1000 WHERE name = 'enterprise'")
        .await?;
    let token = server.admin_token().await?;
    let api = Api {
        client: reqwest::Client::new(),
        base: server.base.clone(),
        token,
    };
    let image = format!("{}/sandboxd/debian-barebone:bookworm", settings.registry);
    let label = format!("sandboxd.bench={}", server.prefix);
    let host = settings.docker_host.clone();
    let output = docker(&host, &["pull", &image])?;
    ensure!(output.status.success(), "docker pull failed: {output:?}");

    let mut results = Results::new(
        "fleet",
        "50 environments of one user: provisioned at once, then listed under load",
    );
    eprintln!("==> warming up: one environment and one docker run ...");
    // The image's layers and the user's network exist before anything is timed. The warm-up
    // environment stays until the rounds are over: the user's network goes with their last
    // environment, and a burst of creates that all find it missing makes several networks
    // of the same name on this engine (the creates then fail as "ambiguous").
    let warm_up = api.create_all(1).await?;
    api.wait_running(&warm_up, Duration::from_secs(300)).await?;
    docker_run_all(&host, &image, &label, 1)?;
    remove_labelled(&host, &format!("label={label}"));

    // One burst each and nothing removed in between: removing 50 containers leaves the
    // engine's storage busy for a while after, which would slow whichever burst came next.
    eprintln!("==> {ENVIRONMENTS} x docker run -d at once ...");
    let engine = docker_run_all(&host, &image, &label, ENVIRONMENTS)?;
    eprintln!("    docker {engine:.2} s");
    eprintln!("==> {ENVIRONMENTS} x POST /api/containers at once ...");
    let started = Instant::now();
    let ids = api.create_all(ENVIRONMENTS).await?;
    // Past twice the engine's time the verdict cannot change; waiting on only costs time.
    let within = Duration::from_secs_f64((2.0 * engine).max(60.0));
    let ready = api.wait_running(&ids, within).await?;
    let ours = started.elapsed().as_secs_f64();
    eprintln!("    sandboxd {ours:.2} s, {ready} of {ENVIRONMENTS} ready");
    let name = if ready == ENVIRONMENTS {
        "50 environments at once, until all ready".to_string()
    } else {
        format!("50 environments at once: only {ready} ready when the wait ended")
    };
    results.push(
        Figure::new(&name, "s", ours)
            .against("50 x docker run -d at once", engine)
            .target(
                "ratio <= 1.3",
                ready == ENVIRONMENTS && ours / engine <= 1.3,
            ),
    );
    remove_labelled(&host, &format!("label={label}"));
    api.delete_all(&warm_up).await?;

    // The listing is of all fifty; without them it is reported as failed, not skipped.
    let listed = async {
        let ready = api.wait_running(&ids, Duration::from_secs(900)).await?;
        ensure!(
            ready == ENVIRONMENTS,
            "only {ready} of {ENVIRONMENTS} ever ran"
        );
        listing(&api, server, &host, &mut results).await
    }
    .await;
    if let Err(err) = &listed {
        results.push(
            Figure::new("GET /api/containers, 64 connections: failed", "req/s", 0.0)
                .target(">= 10x the engine", false),
        );
        results.note(format!("listing failed: {err:#}"));
    }
    results.note(format!(
        "provisioning: one burst per side, docker's first, each starting with one container \
         of the user running (so the user's network exists, as for anyone with an \
         environment); sandboxd's burst runs beside docker's 50; readiness polled every 50 ms \
         through GET /api/containers; the server runs its default {} provisioning workers",
        Settings::from_env()?.workers
    ));
    results.note(format!(
        "listing: {CONNECTIONS} keep-alive HTTP/1.1 connections, closed loop, {LOAD_ROUNDS} \
         alternating {}-second runs per side after a {}-second warm-up each; requests/s is the \
         median run, latencies pooled over the runs; the engine's list is filtered by label to \
         exactly the same 50 containers",
        LOAD_RUN.as_secs(),
        WARMUP.as_secs()
    ));
    results.finish()?;
    listed
}

async fn listing(
    api: &Api,
    server: &Server,
    host: &str,
    results: &mut Results,
) -> anyhow::Result<()> {
    let filter = json!({"label": [format!("sandboxd.instance={}", server.prefix)]}).to_string();
    let engine = Target {
        endpoint: Endpoint::Unix {
            path: PathBuf::from(host.strip_prefix("unix://").unwrap_or(host)),
        },
        path: format!("/containers/json?filters={}", percent_encode(&filter)),
        bearer: None,
    };
    let ours = Target {
        endpoint: Endpoint::Tcp { port: server.port },
        path: "/api/containers".into(),
        bearer: Some(api.token.clone()),
    };
    let listed: Value = api.get("/api/containers").await?;
    ensure!(
        listed["count"] == ENVIRONMENTS,
        "the user has {} environments",
        listed["count"]
    );

    eprintln!("==> listing under {CONNECTIONS} connections: warm-up ...");
    let probe = load::run(&engine, 1, Duration::from_millis(200)).await?;
    let engine_count = serde_json::from_slice::<Vec<Value>>(&probe.last_body)
        .context("the engine's list is not an array")?
        .len();
    ensure!(
        engine_count == ENVIRONMENTS,
        "the engine lists {engine_count} containers"
    );
    load::run(&ours, CONNECTIONS, WARMUP).await?;
    load::run(&engine, CONNECTIONS, WARMUP).await?;
    let mut rates = [Vec::new(), Vec::new()];
    let mut latencies = [Vec::new(), Vec::new()];
    for round in 1..=LOAD_ROUNDS {
        for (side, target) in [&ours, &engine].into_iter().enumerate() {
            let run = load::run(target, CONNECTIONS, LOAD_RUN).await?;
            eprintln!(
                "    run {round} {:<9} {:>8.0} req/s, p50 {:.2} ms, p99 {:.2} ms, {} bytes each",
                ["sandboxd", "engine"][side],
                run.per_second(),
                ms(percentile(&run.latencies, 50)),
                ms(percentile(&run.latencies, 99)),
                run.last_body.len()
            );
            rates[side].push(run.per_second());
            latencies[side].extend(run.latencies);
        }
    }
    for series in &mut latencies {
        series.sort();
    }
    let (ours_rate, engine_rate) = (median(&rates[0]), median(&rates[1]));
    results.push(
        Figure::new("GET /api/containers, 64 connections", "req/s", ours_rate)
            .against("engine GET /containers/json", engine_rate)
            .target(">= 10x the engine", ours_rate >= 10.0 * engine_rate),
    );
    let p = |side: usize, p: usize| ms(percentile(&latencies[side], p));
    results.push(
        Figure::new("GET /api/containers p50", "ms", p(0, 50))
            .against("engine GET /containers/json", p(1, 50)),
    );
    results.push(
        Figure::new("GET /api/containers p99", "ms", p(0, 99))
            .against("engine GET /containers/json", p(1, 99))
            .target("< 20 ms", p(0, 99) < 20.0),
    );
    Ok(())
}

/// Starts `count` containers with `docker run -d` at once; seconds until every one returned.
fn docker_run_all(host: &str, image: &str, label: &str, count: usize) -> anyhow::Result<f64> {
    let started = Instant::now();
    let outputs: Vec<std::io::Result<Output>> = std::thread::scope(|scope| {
        let runs: Vec<_> = (0..count)
            .map(|_| {
                scope.spawn(move || {
                    let name = format!("sandboxd-bench-{}", uuid::Uuid::new_v4().simple());
                    Command::new("docker")
                        .args(["-H", host, "run", "-d", "--name", &name, "--label", label])
                        .args([image, "sleep", "infinity"])
                        .output()
                })
            })
            .collect();
        runs.into_iter()
            .map(|run| run.join().expect("a docker run thread does not panic"))
            .collect()
    });
    let elapsed = started.elapsed().as_secs_f64();
    for output in outputs {
        let output = output?;
        ensure!(output.status.success(), "docker run failed: {output:?}");
    }
    Ok(elapsed)
}

struct Api {
    client: reqwest::Client,
    base: String,
    token: String,
}

impl Api {
    async fn get(&self, path: &str) -> anyhow::Result<Value> {
        let response = self
            .client
            .get(format!("{}{path}", self.base))
            .bearer_auth(&self.token)
            .send()
            .await?;
        ensure!(
            response.status().is_success(),
            "GET {path}: {}",
            response.status()
        );
        Ok(response.json().await?)
    }

    /// Asks for `count` environments at once; their ids.
    async fn create_all(&self, count: usize) -> anyhow::Result<Vec<String>> {
        let creates = (0..count).map(|_| async {
            let response = self
                .client
                .post(format!("{}/api/containers", self.base))
                .bearer_auth(&self.token)
                .json(&json!({"image": "debian:bookworm", "role": "barebone"}))
                .send()
                .await?;
            let status = response.status();
            let created: Value = response.json().await?;
            ensure!(
                status.as_u16() == 202,
                "create answered {status}: {created}"
            );
            created["id"]
                .as_str()
                .map(str::to_string)
                .ok_or_else(|| anyhow::anyhow!("no id in {created}"))
        });
        join_all(creates).await.into_iter().collect()
    }

    /// Until every one of `ids` is running or `within` has passed: how many are running. An error
    /// as soon as one fails.
    async fn wait_running(&self, ids: &[String], within: Duration) -> anyhow::Result<usize> {
        let deadline = Instant::now() + within;
        loop {
            let listed = self.get("/api/containers").await?;
            let containers = listed["containers"].as_array().cloned().unwrap_or_default();
            let mut running = 0;
            for container in containers
                .iter()
                .filter(|c| ids.iter().any(|id| c["id"] == id.as_str()))
            {
                match container["status"].as_str() {
                    Some("running") => running += 1,
                    Some("creating") => {}
                    _ => bail!("provisioning failed: {container}"),
                }
            }
            if running == ids.len() || Instant::now() >= deadline {
                return Ok(running);
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    async fn delete_all(&self, ids: &[String]) -> anyhow::Result<()> {
        let deletes = ids.iter().map(|id| async move {
            let response = self
                .client
                .delete(format!("{}/api/containers/{id}", self.base))
                .bearer_auth(&self.token)
                .send()
                .await?;
            ensure!(
                response.status().is_success(),
                "delete answered {}",
                response.status()
            );
            anyhow::Ok(())
        });
        join_all(deletes).await.into_iter().collect()
    }
}

/// Enough of percent-encoding for a JSON query value.
fn percent_encode(text: &str) -> String {
    text.bytes()
        .map(|byte| match byte {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (byte as char).to_string()
            }
            other => format!("%{other:02X}"),
        })
        .collect()
}
