//! `cargo bench --bench preview`: HTTP requests to a port of an environment through sandboxd's
//! preview, against the same requests sent straight to the environment's address, in one run:
//!
//! 1. latency of a small GET, one after another on one keep-alive connection, p50 and p95;
//! 2. small GETs per second over a few keep-alive connections;
//! 3. MB/s of a 100 MB download.
//!
//! The environment (python role) runs Python's file server on two ports: one made public and
//! reached through its preview host, the other left private and reached with the owner's
//! token in the preview header. Every measurement alternates between the sides in rounds. The
//! server is a separate `sandboxd serve` process over a fresh database, killed, and whatever it
//! made removed, at the end, pass or fail.

#[path = "../common/mod.rs"]
mod common;
mod measure;
mod report;
mod setup;

use std::net::SocketAddr;
use std::time::Duration;

use common::api::{sign_up, Api};
use common::load::{Endpoint, Target};
use common::stage::{only_listing, Stage};
use serde_json::json;

use measure::{Figures, Side};

/// Set explicitly, so the preview hosts below are the server's whatever the environment says.
const DOMAIN: &str = "preview.localhost";
const PUBLIC_PORT: u16 = 8000;
const PRIVATE_PORT: u16 = 8001;
const SMALL_BYTES: u64 = 100;
const BIG_BYTES: u64 = 100_000_000;
const WARMUP: usize = 200;
const LATENCY_ROUNDS: usize = 10;
const PER_ROUND: usize = 200;
const CONNECTIONS: usize = 4;
/// Python's threaded server swings by a third from one run to the next on a small machine
/// (its threads contend for the interpreter lock as the scheduler happens to place them): many
/// short runs, rotating, let each side's median see the same spread of placements.
const THROUGHPUT_ROUNDS: usize = 15;
const THROUGHPUT_RUN: Duration = Duration::from_secs(1);
/// A download lasts some 50 ms here, short enough for one stall of the machine to move it by
/// a third: many of them keep the median steady between runs.
const DOWNLOADS: usize = 45;
/// Preview latency may add at most this to the direct p50.
const ADDED_P50_MS: f64 = 1.0;
/// Preview throughput must reach this share of the direct one.
const THROUGHPUT_SHARE: f64 = 0.8;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    if only_listing() {
        return Ok(());
    }
    let stage = Stage::start("preview", &[("SANDBOXD_PREVIEW_DOMAIN", DOMAIN.into())]).await?;
    let outcome = run(&stage).await;
    stage.finish(outcome).await
}

async fn run(stage: &Stage) -> anyhow::Result<()> {
    stage.server.wait_ready(Duration::from_millis(100)).await?;
    // A user who signs up, as anyone would, rather than the seeded admin: previews are theirs.
    let api = sign_up(
        &stage.server.base,
        "preview-bench",
        "preview-bench-password",
    )
    .await?;
    eprintln!("==> creating a python environment ...");
    let id = api
        .create_running(
            &json!({"image": "debian:bookworm", "role": "python"}),
            Duration::from_secs(300),
            Duration::from_millis(200),
        )
        .await?;
    let outcome = measure(stage, &api, &id).await;
    // Through the API first, so the server forgets it too; the stage removes what is left.
    if let Err(err) = api.delete(&id).await {
        eprintln!("deleting the environment failed: {err:#}");
    }
    outcome
}

async fn measure(stage: &Stage, api: &Api, id: &str) -> anyhow::Result<()> {
    eprintln!("==> writing the files and starting the web server in the environment ...");
    setup::serve(api, id).await?;
    let ip = setup::address(&stage.server, id)?;
    setup::wait_serving(ip, PUBLIC_PORT).await?;
    setup::wait_serving(ip, PRIVATE_PORT).await?;
    setup::make_public(api, id, PUBLIC_PORT).await?;

    let port = stage.server.port;
    let direct = Endpoint::Addr {
        addr: SocketAddr::new(ip, PUBLIC_PORT),
    };
    let preview = Endpoint::Tcp { port };
    let public_host = format!("{PUBLIC_PORT}-{id}.{DOMAIN}:{port}");
    let private_host = format!("{PRIVATE_PORT}-{id}.{DOMAIN}:{port}");
    let sides = [
        side("direct", &direct, &format!("{ip}:{PUBLIC_PORT}"), None),
        side("public port", &preview, &public_host, None),
        side(
            "owner's token",
            &preview,
            &private_host,
            Some(api.token.as_str()),
        ),
    ];
    let mut figures: Vec<Figures> = sides.iter().map(|_| Figures::default()).collect();

    eprintln!(
        "==> small GET latency: {WARMUP} warm-up + {LATENCY_ROUNDS} x {PER_ROUND} per side, \
         rotating ..."
    );
    measure::latencies(&sides, &mut figures).await?;
    eprintln!(
        "==> small GETs per second, {CONNECTIONS} connections: {THROUGHPUT_ROUNDS} x {} s per \
         side, rotating ...",
        THROUGHPUT_RUN.as_secs()
    );
    measure::throughput(&sides, &mut figures).await?;
    eprintln!("==> {BIG_BYTES}-byte download: 1 warm-up + {DOWNLOADS} per side, rotating ...");
    measure::downloads(&sides, &mut figures).await?;

    report::report(&sides, &figures)
}

/// The small and the big file through `endpoint`, with `host` as the Host header and, when
/// given, the owner's token in the preview header.
fn side(name: &'static str, endpoint: &Endpoint, host: &str, token: Option<&str>) -> Side {
    let mut headers = vec![("host".to_string(), host.to_string())];
    if let Some(token) = token {
        headers.push(("x-sandboxd-preview-token".into(), token.to_string()));
    }
    let target = |path: &str| Target {
        endpoint: endpoint.clone(),
        path: path.into(),
        bearer: None,
        headers: headers.clone(),
    };
    Side {
        name,
        small: target("/small"),
        big: target("/big"),
    }
}
