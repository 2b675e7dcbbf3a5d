//! `make bench-clients`: keystroke echo through the clients people type in, against the raw
//! engine exec of the same shell in the same environment, samples interleaved in one run:
//!
//! - `sandboxd shell NAME` (the CLI, over the terminal WebSocket),
//! - `ssh -tt NAME@127.0.0.1` (Debian's OpenSSH client, into sandboxd's SSH server),
//! - a raw Docker exec attach on a TTY: the baseline.
//!
//! One byte is written, and the time until its echo comes back is one sample. The server is
//! a separate `sandboxd serve` process over its own database, removed at the end.

#[path = "../common/mod.rs"]
mod common;
// The terminal benchmark's raw side, of which this one uses only part.
#[allow(dead_code)]
#[path = "../terminal/engine.rs"]
mod engine;
mod process;
#[allow(dead_code)]
#[path = "../terminal/term.rs"]
mod term;

use std::time::{Duration, Instant};

use anyhow::{ensure, Context};
use common::api::Api;
use common::results::{Figure, Results};
use common::stage::{only_listing, Stage};
use common::stats::{ms, percentile};
use reqwest::Method;
use serde_json::json;
use tokio::process::Command;

use process::Process;
use term::Term;

const COLS: u16 = 80;
const ROWS: u16 = 24;
const READ_CAPACITY: usize = 32 * 1024;
const OUTPUT_WITHIN: Duration = Duration::from_secs(30);
const WARMUP: usize = 50;
const SAMPLES: usize = 500;
/// Keystrokes typed on one line before it is cleared with Ctrl-U.
const LINE_LENGTH: usize = 50;
const TARGET_MS: f64 = 1.0;

/// One way of typing into the environment's shell.
enum Side {
    Raw(Term),
    Client(Box<Process>),
}

impl Side {
    fn label(&self) -> &'static str {
        match self {
            Side::Raw(term) => term.label(),
            Side::Client(process) => process.label,
        }
    }

    async fn send(&mut self, bytes: &[u8]) -> anyhow::Result<()> {
        match self {
            Side::Raw(term) => term.send(bytes).await,
            Side::Client(process) => process.send(bytes).await,
        }
    }

    async fn recv(&mut self) -> anyhow::Result<bytes::Bytes> {
        match self {
            Side::Raw(term) => term.recv_within(Duration::from_secs(5)).await,
            Side::Client(process) => process.recv_within(Duration::from_secs(5)).await,
        }
    }

    async fn drain(&mut self, quiet: Duration) -> anyhow::Result<()> {
        match self {
            Side::Raw(term) => term.drain(quiet).await,
            Side::Client(process) => {
                process.drain(quiet).await;
                Ok(())
            }
        }
    }

    /// Until the shell answers a command: its prompt and profile are out of the way.
    async fn wait_for_shell(&mut self) -> anyhow::Result<()> {
        self.send(b"echo READY-$((20+1))\r").await?;
        let mut screen = Vec::new();
        let deadline = Instant::now() + OUTPUT_WITHIN;
        while !term::contains(&screen, b"READY-21") {
            ensure!(
                Instant::now() < deadline,
                "{}: the shell never answered",
                self.label()
            );
            screen.extend_from_slice(&self.recv().await?);
        }
        self.drain(Duration::from_millis(300)).await
    }

    async fn keystroke(&mut self) -> anyhow::Result<Duration> {
        let started = Instant::now();
        self.send(b"a").await?;
        loop {
            if self.recv().await?.contains(&b'a') {
                return Ok(started.elapsed());
            }
        }
    }
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    if only_listing() {
        return Ok(());
    }
    let ssh_port = std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port();
    let stage = Stage::start("clients", &[("SANDBOXD_SSH_PORT", ssh_port.to_string())]).await?;
    let outcome = run(&stage, ssh_port).await;
    stage.finish(outcome).await
}

async fn run(stage: &Stage, ssh_port: u16) -> anyhow::Result<()> {
    stage.server.wait_ready(Duration::from_millis(100)).await?;
    let api = stage.admin_with_room().await?;
    let request = json!({
        "image": "custom",
        "custom_image": format!("{}/sandboxd/busybox:latest", stage.settings.registry),
        "role": "barebone",
        "shell": {"enhanced": false},
    });
    let id = api
        .create_running(
            &request,
            Duration::from_secs(180),
            Duration::from_millis(100),
        )
        .await?;
    let keys = std::env::temp_dir().join(format!("sandboxd-bench-keys-{}", std::process::id()));
    let outcome = measure(stage, &api, &id, ssh_port, &keys).await;
    let _ = std::fs::remove_dir_all(&keys);
    if let Err(err) = api.delete(&id).await {
        eprintln!("deleting the environment failed: {err:#}");
    }
    outcome
}

/// A key pair for the admin, registered with the server; the private key's path.
async fn ssh_key(api: &Api, dir: &std::path::Path) -> anyhow::Result<String> {
    std::fs::create_dir_all(dir)?;
    let key = dir.join("id_ed25519");
    let made = std::process::Command::new("ssh-keygen")
        .args(["-q", "-t", "ed25519", "-N", "", "-f"])
        .arg(&key)
        .status()
        .context("ssh-keygen (Debian's openssh-client)")?;
    ensure!(made.success(), "ssh-keygen failed");
    let public_key = std::fs::read_to_string(key.with_extension("pub"))?;
    let body = json!({"name": "bench", "public_key": public_key.trim()});
    let (status, answer) = api.call(Method::POST, "/api/ssh-keys", Some(&body)).await?;
    ensure!(status.as_u16() == 201, "adding the key: {status} {answer}");
    Ok(key.display().to_string())
}

async fn measure(
    stage: &Stage,
    api: &Api,
    id: &str,
    ssh_port: u16,
    keys: &std::path::Path,
) -> anyhow::Result<()> {
    let docker = engine::docker(&stage.settings.docker_host).await?;
    let key = ssh_key(api, keys).await?;
    let mut shell = Command::new(env!("CARGO_BIN_EXE_sandboxd"));
    shell
        .args(["shell", id])
        .env("SANDBOXD_URL", &api.base)
        .env("SANDBOXD_TOKEN", &api.token)
        .env("SANDBOXD_CONFIG", keys.join("no-saved-login.json"));
    let mut ssh = Command::new("ssh");
    ssh.args(["-tt", "-p", &ssh_port.to_string(), "-i", &key])
        .args([
            "-o",
            "StrictHostKeyChecking=no",
            "-o",
            "UserKnownHostsFile=/dev/null",
        ])
        .args(["-o", "LogLevel=ERROR", "-o", "BatchMode=yes"])
        .arg(format!("{id}@127.0.0.1"));
    let mut sides = [
        Side::Client(Box::new(Process::spawn("sandboxd shell (CLI)", shell)?)),
        Side::Client(Box::new(Process::spawn("ssh (OpenSSH client)", ssh)?)),
        Side::Raw(Term::raw(&docker, &format!("sbx-{id}")).await?),
    ];
    for side in sides.iter_mut() {
        side.wait_for_shell().await?;
    }
    eprintln!("==> keystroke echo: {WARMUP} warm-up + {SAMPLES} samples per side, interleaved ...");
    let mut samples = vec![Vec::with_capacity(SAMPLES); sides.len()];
    for round in 0..WARMUP + SAMPLES {
        if round % LINE_LENGTH == 0 {
            for side in sides.iter_mut() {
                side.send(b"\x15").await?;
                side.drain(Duration::from_millis(50)).await?;
            }
        }
        // Rotate who goes first, so no side always follows another.
        for turn in 0..sides.len() {
            let index = (round + turn) % sides.len();
            let elapsed = sides[index].keystroke().await?;
            if round >= WARMUP {
                samples[index].push(elapsed);
            }
        }
    }
    let labels: Vec<&str> = sides.iter().map(Side::label).collect();
    for side in sides {
        match side {
            Side::Raw(term) => term.close().await,
            Side::Client(process) => process.close().await,
        }
    }
    for series in &mut samples {
        series.sort();
    }
    report(&labels, &samples)
}

fn report(labels: &[&str], samples: &[Vec<Duration>]) -> anyhow::Result<()> {
    let raw = &samples[2];
    println!();
    println!("keystroke echo, {SAMPLES} samples per side, interleaved");
    println!("{:<28} {:>10} {:>10} {:>10}", "", "p50", "p95", "p99");
    for (label, series) in labels.iter().zip(samples) {
        let p = |q| ms(percentile(series, q));
        println!(
            "{label:<28} {:>8.3}ms {:>8.3}ms {:>8.3}ms",
            p(50),
            p(95),
            p(99)
        );
    }
    let mut results = Results::new(
        "clients",
        "keystroke echo through sandboxd shell and ssh, against a raw engine exec attach",
    );
    for (label, series) in labels.iter().zip(samples).take(2) {
        let overhead = ms(percentile(series, 50)) - ms(percentile(raw, 50));
        println!("{:<28} {overhead:>8.3}ms", format!("overhead p50, {label}"));
        for q in [50, 99] {
            results.push(
                Figure::new(
                    &format!("keystroke echo p{q}, {label}"),
                    "ms",
                    ms(percentile(series, q)),
                )
                .against(&format!("raw exec attach p{q}"), ms(percentile(raw, q))),
            );
        }
        results.push(
            Figure::new(&format!("keystroke overhead p50, {label}"), "ms", overhead)
                .target("<= 1 ms", overhead <= TARGET_MS),
        );
    }
    results.note(format!(
        "one busybox environment; the same login shell reached three ways: `sandboxd shell` \
         and `ssh -tt` (OpenSSH, key registered through /api/ssh-keys) as child programs on \
         pipes, and a raw Docker exec attach on a TTY over the engine's socket; one byte typed, \
         its echo awaited; {WARMUP} warm-up and {SAMPLES} samples per side, the order rotated \
         every round, the line cleared every {LINE_LENGTH} keystrokes; the server is a separate \
         process"
    ));
    results.finish()
}
