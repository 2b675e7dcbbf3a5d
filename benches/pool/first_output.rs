//! Create, then exec `echo ok` as soon as the API lets it, until its output is read: the
//! figure an independent benchmark of sandbox services measures, 100 runs from a warm pool.

use std::time::{Duration, Instant};

use anyhow::{bail, ensure};
use reqwest::Method;
use serde_json::json;

use super::Pool;
use crate::common::api::Api;
use crate::common::results::{Figure, Results};
use crate::common::stats::{ms, percentile};

const RUNS: usize = 100;
const P50_MS: f64 = 100.0;
const P99_MS: f64 = 250.0;

pub async fn measure(api: &Api, pool: &Pool, results: &mut Results) -> anyhow::Result<()> {
    let request = json!({"image": "debian:bookworm", "role": "barebone"});
    let echo = json!({"command": ["echo", "ok"]});
    let mut times = Vec::with_capacity(RUNS);
    for _ in 0..RUNS {
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
    let (p50, p95, p99) = (
        ms(percentile(&times, 50)),
        ms(percentile(&times, 95)),
        ms(percentile(&times, 99)),
    );
    println!("create -> first output (exec echo ok), {RUNS} runs from a warm pool");
    println!(
        "{:<36} {p50:>8.1}ms p50 {p95:>8.1}ms p95 {p99:>8.1}ms p99",
        ""
    );
    results.push(
        Figure::new("create -> first output, p50", "ms", p50).target("< 100 ms", p50 < P50_MS),
    );
    results.push(Figure::new("create -> first output, p95", "ms", p95));
    results.push(
        Figure::new("create -> first output, p99", "ms", p99).target("< 250 ms", p99 < P99_MS),
    );
    results.note(format!(
        "create -> first output: POST /api/containers, then POST .../exec echo ok repeated \
         while it answers 409 (not running yet), until the output is read; {RUNS} runs, the \
         pool refilled between them (untimed)"
    ));
    Ok(())
}
