//! `cargo bench --bench fleet`: fifty environments for one user.
//!
//! 1. Provisioning: 50 barebone environments requested at once on a cached image, until all
//!    are running, against 50 `docker run -d` of the same image started at once, one after
//!    the other on the same engine, each burst on an engine holding only the warm-up.
//! 2. Listing: `GET /api/containers` of that user under 64 keep-alive connections, against
//!    the engine's own `GET /containers/json` of the same 50 containers over its socket, from
//!    the same load generator; timed runs alternate.
//!
//! The server is a separate `sandboxd serve` process over a fresh database.

mod common;
#[path = "fleet/listing.rs"]
mod listing;

use listing::listing;

use std::process::{Command, Output};
use std::time::{Duration, Instant};

use anyhow::ensure;
use common::results::{Figure, Results};
use common::server::{docker, raise_open_files, remove_labelled};
use common::settle::settle_engine;
use common::stage::{only_listing, Stage};
use serde_json::{json, Value};

const ENVIRONMENTS: usize = 50;
const CONNECTIONS: usize = 64;
const WARMUP: Duration = Duration::from_secs(2);
const LOAD_ROUNDS: usize = 3;
const LOAD_RUN: Duration = Duration::from_secs(5);
/// How often readiness is polled through GET /api/containers.
const POLL: Duration = Duration::from_millis(50);

/// What every environment of the benchmark is.
fn barebone() -> Value {
    json!({"image": "debian:bookworm", "role": "barebone"})
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    if only_listing() {
        return Ok(());
    }
    raise_open_files(65_536)?;
    let stage = Stage::start("fleet", &[]).await?;
    let outcome = run(&stage).await;
    let label = format!("label=sandboxd.bench={}", stage.server.prefix);
    remove_labelled(&stage.settings.docker_host, &label);
    stage.finish(outcome).await
}

async fn run(stage: &Stage) -> anyhow::Result<()> {
    let (settings, server) = (&stage.settings, &stage.server);
    server.wait_ready(Duration::from_millis(50)).await?;
    let api = stage.admin_with_room().await?;
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
    // The image's layers and the user's network exist before anything is timed; the warm-up
    // environment stays until the rounds are over, as anyone with an environment has one.
    let warm_up = api.create_all(&barebone(), 1).await?;
    api.wait_running(&warm_up, Duration::from_secs(300), POLL)
        .await?;
    docker_run_all(&host, &image, &label, 1)?;
    remove_labelled(&host, &format!("label={label}"));
    let mut settled = vec![settle_engine(&host)];

    // Each burst meets the same engine: docker's 50 go before ours start, and the storage is
    // given a moment to finish their removal.
    eprintln!("==> {ENVIRONMENTS} x docker run -d at once ...");
    let engine = docker_run_all(&host, &image, &label, ENVIRONMENTS)?;
    eprintln!("    docker {engine:.2} s");
    remove_labelled(&host, &format!("label={label}"));
    settled.push(settle_engine(&host));
    eprintln!("==> {ENVIRONMENTS} x POST /api/containers at once ...");
    let started = Instant::now();
    let ids = api.create_all(&barebone(), ENVIRONMENTS).await?;
    // Past twice the engine's time the verdict cannot change; waiting on only costs time.
    let within = Duration::from_secs_f64((2.0 * engine).max(60.0));
    let ready = api.wait_running(&ids, within, POLL).await?;
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
    api.delete_all(&warm_up).await?;

    // The listing is of all fifty; without them it is reported as failed, not skipped.
    let listed = async {
        let ready = api
            .wait_running(&ids, Duration::from_secs(900), POLL)
            .await?;
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
         environment); docker's 50 are removed before sandboxd's burst; before each burst the \
         engine's deleted subvolumes are cleaned and the host left quiet for 2 s (waits: \
         {}); readiness polled every 50 ms through GET /api/containers; the server runs its \
         default {} provisioning workers",
        settled
            .iter()
            .map(|wait| format!("{:.1} s", wait.as_secs_f64()))
            .collect::<Vec<_>>()
            .join(", "),
        settings.workers
    ));
    results.note(format!(
        "listing: {CONNECTIONS} keep-alive HTTP/1.1 connections, closed loop, {LOAD_ROUNDS} \
         alternating {}-second runs per side after a {}-second warm-up each; requests/s is the \
         median run, latencies pooled over the runs; the engine's list is filtered by label to \
         exactly the same 50 containers; while the 50 do not change, sandboxd answers with \
         the listing it remembered for their owner after one query of the owner's change \
         counter (an answer is reused for at most 1 s; any change to a listed column, by any \
         process, makes the next answer a fresh one); rebuilding every answer, as sandboxd \
         did before, gave 2,966 req/s with p99 41 ms here",
        LOAD_RUN.as_secs(),
        WARMUP.as_secs()
    ));
    results.finish()?;
    listed
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
