//! `make bench-provision`: time from POST /api/containers to ready for a barebone environment
//! on a cached image, side by side with `docker run -d` of the same image on the same engine,
//! interleaved in one run so both see the same machine.

mod common;

use std::process::Command;
use std::time::{Duration, Instant};

use common::api::{login, Api};
use common::in_process::InProcess;
use common::results::{Figure, Results};
use common::server::{ADMIN_EMAIL, ADMIN_PASSWORD};
use common::stage::only_listing;
use common::stats::{ms, percentile};
use sandboxd::config::Settings;
use serde_json::json;

const RUNS: usize = 20;
/// Readiness is polled this often, so the poll adds little to the time measured.
const POLL: Duration = Duration::from_millis(5);

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    if only_listing() {
        return Ok(());
    }
    let server = InProcess::start(|_| {}).await?;
    let outcome = measure(&server.settings, &server.base).await;
    server.finish(outcome).await
}

async fn measure(settings: &Settings, base: &str) -> anyhow::Result<()> {
    let client = reqwest::Client::new();
    let api = Api {
        token: login(&client, base, ADMIN_EMAIL, ADMIN_PASSWORD).await?,
        client,
        base: base.to_string(),
    };
    let barebone = json!({"image": "debian:bookworm", "role": "barebone"});
    let image = format!("{}/sandboxd/debian-barebone:bookworm", settings.registry);
    let docker = |args: &[&str]| {
        Command::new("docker")
            .arg("-H")
            .arg(&settings.docker_host)
            .args(args)
            .output()
    };
    docker(&["pull", &image])?;

    // One of each first, so neither side pays for a cold cache in the figures.
    let mut sandboxd_times = Vec::new();
    let mut docker_times = Vec::new();
    for run in 0..=RUNS {
        let started = Instant::now();
        let id = api
            .create_running(&barebone, Duration::from_secs(120), POLL)
            .await?;
        let elapsed = started.elapsed();
        api.delete(&id).await?;

        let name = format!("sandboxd-bench-{}", uuid::Uuid::new_v4().simple());
        let started = Instant::now();
        let output = docker(&[
            "run",
            "-d",
            "--name",
            &name,
            "--label",
            "sandboxd.bench=1",
            &image,
            "sleep",
            "infinity",
        ])?;
        let baseline = started.elapsed();
        anyhow::ensure!(output.status.success(), "docker run failed: {output:?}");
        docker(&["rm", "-f", &name])?;
        if run > 0 {
            sandboxd_times.push(elapsed);
            docker_times.push(baseline);
        }
    }

    sandboxd_times.sort();
    docker_times.sort();
    let (s50, s95) = (
        percentile(&sandboxd_times, 50),
        percentile(&sandboxd_times, 95),
    );
    let (d50, d95) = (percentile(&docker_times, 50), percentile(&docker_times, 95));
    println!("provisioning, barebone on a cached image, {RUNS} runs each, interleaved");
    println!("{:<34} {:>10} {:>10}", "", "p50", "p95");
    println!(
        "{:<34} {:>8.0}ms {:>8.0}ms",
        "sandboxd POST -> ready",
        ms(s50),
        ms(s95)
    );
    println!(
        "{:<34} {:>8.0}ms {:>8.0}ms",
        "docker run -d",
        ms(d50),
        ms(d95)
    );
    println!(
        "{:<34} {:>10.2} {:>10.2}",
        "ratio (target <= 1.5)",
        ms(s50) / ms(d50),
        ms(s95) / ms(d95)
    );

    let mut results = Results::new(
        "provision",
        "one environment: POST /api/containers until ready, against docker run -d",
    );
    for (label, ours, docker) in [("p50", s50, d50), ("p95", s95, d95)] {
        let ratio = ms(ours) / ms(docker);
        results.push(
            Figure::new(&format!("POST -> ready, {label}"), "ms", ms(ours))
                .against(&format!("docker run -d, {label}"), ms(docker))
                .target("ratio <= 1.5", ratio <= 1.5),
        );
    }
    results.note(format!(
        "barebone debian:bookworm on a cached image, {RUNS} runs each after one warm-up, \
         interleaved with docker run -d of the same image; the server runs in the benchmark's \
         process"
    ));
    results.finish()
}
