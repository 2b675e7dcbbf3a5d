//! Create, then exec `echo ok` as soon as the API lets it, until its output is read: the
//! figure an independent benchmark of sandbox services measures, 100 runs from a warm pool,
//! against the engine's own `docker run -d` then `docker exec echo ok` of the same image
//! (every fifth run).

use std::time::{Duration, Instant};

use anyhow::{bail, ensure};
use reqwest::Method;
use serde_json::json;

use super::Pool;
use crate::common::api::Api;
use crate::common::results::{Figure, Results};
use crate::common::server;
use crate::common::stats::{ms, percentile};
use sandboxd::config::Settings;

const RUNS: usize = 100;
const P50_MS: f64 = 100.0;
const P99_MS: f64 = 250.0;
/// One engine baseline per this many runs.
const BASELINE_EVERY: usize = 5;

pub async fn measure(
    api: &Api,
    pool: &Pool,
    settings: &Settings,
    results: &mut Results,
) -> anyhow::Result<()> {
    let image = super::barebone_image(settings);
    let mut engine = Vec::with_capacity(RUNS / BASELINE_EVERY);
    let request = json!({"image": "debian:bookworm", "role": "barebone"});
    let echo = json!({"command": ["echo", "ok"]});
    let mut times = Vec::with_capacity(RUNS);
    for run in 0..RUNS {
        if run % BASELINE_EVERY == 0 {
            engine.push(engine_first_output(settings, &image)?);
        }
        // Refilled between runs, untimed: each run is what a create finds with a pool.
        pool.filled(1, Duration::from_secs(60)).await?;
        let started = Instant::now();
        let id = api.create(&request).await?;
        let path = format!("/api/containers/{id}/exec");
        loop {
            let (status, answer) = api.call(Method::POST, &path, Some(&echo)).await?;
            match status.as_u16() {
                200 | 202 => {
                    let stdout = answer["results"][0]["stdout"].as_str().unwrap_or_default();
                    ensure!(stdout == "ok\n", "echo printed {answer}");
                    break;
                }
                // Not running yet: asked again at once.
                409 => {}
                other => bail!("exec answered {other}: {answer}"),
            }
            if started.elapsed() > Duration::from_secs(60) {
                bail!("no output within 60 s");
            }
        }
        times.push(started.elapsed());
        api.delete(&id).await?;
    }
    times.sort();
    engine.sort();
    let (p50, p95, p99) = (
        ms(percentile(&times, 50)),
        ms(percentile(&times, 95)),
        ms(percentile(&times, 99)),
    );
    let (engine_p50, engine_p95, engine_p99) = (
        ms(percentile(&engine, 50)),
        ms(percentile(&engine, 95)),
        ms(percentile(&engine, 99)),
    );
    println!("create -> first output (exec echo ok), {RUNS} runs from a warm pool");
    println!(
        "{:<36} {p50:>8.1}ms p50 {p95:>8.1}ms p95 {p99:>8.1}ms p99",
        ""
    );
    println!(
        "{:<36} {engine_p50:>8.1}ms p50 {engine_p95:>8.1}ms p95 {engine_p99:>8.1}ms p99",
        "docker run -d, then docker exec"
    );
    results.push(
        Figure::new("create -> first output, p50", "ms", p50)
            .against("docker run -d + exec, p50", engine_p50)
            .target("< 100 ms", p50 < P50_MS),
    );
    results.push(
        Figure::new("create -> first output, p95", "ms", p95)
            .against("docker run -d + exec, p95", engine_p95),
    );
    results.push(
        Figure::new("create -> first output, p99", "ms", p99)
            .against("docker run -d + exec, p99", engine_p99)
            .target("< 250 ms", p99 < P99_MS),
    );
    results.note(format!(
        "create -> first output: POST /api/containers, then POST .../exec echo ok repeated \
         while it answers 409 (not running yet), until the output is read; {RUNS} runs, the \
         pool refilled between them (untimed); the baseline is `docker run -d` of the same \
         image, then `docker exec NAME echo ok` until its output is read, every fifth run"
    ));
    Ok(())
}

/// `docker run -d`, then `docker exec echo ok`, timed until the output is read.
fn engine_first_output(settings: &Settings, image: &str) -> anyhow::Result<Duration> {
    let docker = |args: &[&str]| server::docker(&settings.docker_host, args);
    let name = format!("sandboxd-bench-{}", uuid::Uuid::new_v4().simple());
    let started = Instant::now();
    let ran = docker(&[
        "run",
        "-d",
        "--pull",
        "never",
        "--name",
        &name,
        "--label",
        "sandboxd.bench=1",
        image,
        "sleep",
        "infinity",
    ])?;
    let echoed = docker(&["exec", &name, "echo", "ok"])?;
    let took = started.elapsed();
    docker(&["rm", "-f", &name])?;
    ensure!(ran.status.success(), "docker run failed: {ran:?}");
    ensure!(
        String::from_utf8_lossy(&echoed.stdout) == "ok\n",
        "docker exec printed {echoed:?}"
    );
    Ok(took)
}
