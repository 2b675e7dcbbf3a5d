//! `make bench-terminal`: sandboxd's browser terminal against a raw Docker exec attach to the
//! same container, in one run, so both see the same machine:
//!
//! 1. keystroke round trip (one byte in, its echo back), p50 and p99, samples interleaved;
//! 2. throughput of `cat` of a 100 MB file, binary and JSON mode, median of 3 runs each;
//! 3. the server's resident memory before and while 1,000 idle terminals are open.
//!
//! The server is a separate `sandboxd serve` process (its memory is what is measured), over a
//! fresh database and its own Redis prefix; it is killed, and whatever it made removed, at the
//! end, pass or fail.

#[path = "../common/mod.rs"]
mod common;
mod engine;
mod idle;
mod report;
mod term;
mod typing;

use std::time::Duration;

use anyhow::{ensure, Context};
use common::api::Api;
use common::server::Server;
use common::stage::{only_listing, Stage};
use sandboxd::config::Settings;
use serde_json::json;

use engine::{docker, run_exec};
use idle::idle_terminals;
use report::{record, report};
use term::Term;
use typing::{cat_runs, keystrokes};

const COLS: u16 = 120;
const ROWS: u16 = 40;
const WARMUP: usize = 50;
const SAMPLES: usize = 500;
/// Keystrokes typed on one line before it is cleared with Ctrl-U.
const LINE_LENGTH: usize = 50;
const BIG_FILE_BYTES: u64 = 100_000_000;
const CAT_RUNS: usize = 3;
const IDLE_TERMINALS: usize = 1_000;
/// The idle terminals are spread over this many environments, as many users' would be: the
/// engine handles a few dozen execs per container well, not a thousand (hang-ups then take
/// minutes, and removing the container longer).
const IDLE_ENVIRONMENTS: usize = 40;
const OPEN_CONCURRENCY: usize = 32;
/// The engine's read buffer per attach, as sandboxd's own (runtime/tty.rs).
const READ_CAPACITY: usize = 32 * 1024;
const OUTPUT_WITHIN: Duration = Duration::from_secs(30);
const MARKER: &[u8] = b"END-42";

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    if only_listing() {
        return Ok(());
    }
    // A thousand WebSockets, each a file.
    rlimit::increase_nofile_limit(u64::MAX).context("raising the open files limit")?;
    let extra = [
        ("SANDBOXD_PIDS_LIMIT", "4096".to_string()),
        (
            "SANDBOXD_TERMINALS_PER_ENVIRONMENT",
            IDLE_TERMINALS.div_ceil(IDLE_ENVIRONMENTS).to_string(),
        ),
        ("SANDBOXD_TERMINAL_GRACE_SECONDS", "1".to_string()),
    ];
    let stage = Stage::start("terminal", &extra).await?;
    let outcome = run(&stage).await;
    stage.finish(outcome).await
}

async fn run(stage: &Stage) -> anyhow::Result<()> {
    let (settings, server) = (&stage.settings, &stage.server);
    server.wait_ready(Duration::from_millis(100)).await?;
    let api = stage.admin_with_room().await?;
    eprintln!("==> creating a busybox environment ...");
    let busybox = json!({
        "image": "custom",
        "custom_image": format!("{}/sandboxd/busybox:latest", settings.registry),
        "role": "barebone",
        "shell": {"enhanced": false},
        "memory_mb": 2048,
        "cpu_shares": 2000,
    });
    let id = api
        .create_running(
            &busybox,
            Duration::from_secs(180),
            Duration::from_millis(100),
        )
        .await?;
    eprintln!("==> creating {IDLE_ENVIRONMENTS} more for the idle terminals ...");
    let idle = api.create_all(&busybox, IDLE_ENVIRONMENTS).await?;
    let running = api
        .wait_running(&idle, Duration::from_secs(180), Duration::from_millis(100))
        .await?;
    ensure!(
        running == IDLE_ENVIRONMENTS,
        "{running} of {IDLE_ENVIRONMENTS} running"
    );
    let outcome = measure(settings, server, &api, &id, &idle).await;
    // The environments go first through the API, so the server forgets them too.
    if let Err(err) = api.delete_all(&[vec![id], idle].concat()).await {
        eprintln!("deleting the environments failed: {err:#}");
    }
    outcome
}

fn terminal_url(api: &Api, id: &str) -> String {
    format!(
        "{}/ws/terminal/{id}?token={}&cols={COLS}&rows={ROWS}",
        api.base.replacen("http", "ws", 1),
        api.token
    )
}

async fn measure(
    settings: &Settings,
    server: &Server,
    api: &Api,
    id: &str,
    idle: &[String],
) -> anyhow::Result<()> {
    let docker = docker(&settings.docker_host).await?;
    let container = format!("sbx-{id}");
    let ws_base = terminal_url(api, id);

    eprintln!("==> writing /tmp/big ({BIG_FILE_BYTES} bytes) with a raw exec ...");
    let script = format!(
        "yes abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstuvwxyz0123456789 \
         | head -c {BIG_FILE_BYTES} > /tmp/big && wc -c < /tmp/big"
    );
    let written = run_exec(&docker, &container, &["sh", "-c", &script]).await?;
    ensure!(
        written.trim() == BIG_FILE_BYTES.to_string(),
        "/tmp/big was not written: {written:?}"
    );

    let mut binary = Term::websocket(&ws_base, "binary").await?;
    let mut text = Term::websocket(&ws_base, "json").await?;
    let mut raw = Term::raw(&docker, &container).await?;
    for term in [&mut binary, &mut text, &mut raw] {
        term.wait_for_shell().await?;
    }

    eprintln!(
        "==> keystroke round trips: {WARMUP} warm-up + {SAMPLES} samples per side, interleaved ..."
    );
    let echoes = keystrokes(&mut [&mut binary, &mut text, &mut raw]).await?;

    eprintln!("==> cat of {BIG_FILE_BYTES} bytes: {CAT_RUNS} runs per side, interleaved ...");
    let throughput = cat_runs(&mut [&mut binary, &mut text, &mut raw]).await?;
    binary.close().await;
    text.close().await;
    raw.close().await;

    eprintln!("==> {IDLE_TERMINALS} idle terminals, {OPEN_CONCURRENCY} opened at a time ...");
    let idle_urls: Vec<String> = idle.iter().map(|id| terminal_url(api, id)).collect();
    let memory = idle_terminals(server, &api.base, &idle_urls).await;

    report(&echoes, &throughput, &memory);
    record(&echoes, &throughput, &memory)
}
