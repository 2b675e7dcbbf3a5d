//! POST → ready: from a warm pool, by the usual path, against the engine's `docker run -d` of
//! the same image and `docker start` of a container made beforehand, interleaved in rounds.

use std::time::{Duration, Instant};

use anyhow::ensure;
use serde_json::json;

use super::{create_ready, Pool};
use crate::common::api::Api;
use crate::common::results::{Figure, Results};
use crate::common::server;
use crate::common::stats::{ms, percentile};
use sandboxd::config::Settings;

const RUNS: usize = 20;
/// Warm POST → ready must be under this at p50.
const WARM_P50_MS: f64 = 90.0;

pub async fn measure(
    api: &Api,
    pool: &Pool,
    settings: &Settings,
    results: &mut Results,
) -> anyhow::Result<()> {
    let warm = json!({"image": "debian:bookworm", "role": "barebone"});
    // One limit apart from the pool's shape: the same request made the usual way.
    let usual = json!({"image": "debian:bookworm", "role": "barebone", "memory_mb": 1024});
    let image = super::barebone_image(settings);
    let docker = |args: &[&str]| server::docker(&settings.docker_host, args);
    docker(&["pull", &image])?;
    let mut times: [Vec<Duration>; 4] = Default::default();
    // A warm-up round first, left out of the figures.
    for run in 0..=RUNS {
        pool.filled(1, Duration::from_secs(60)).await?;
        let (id, from_pool) = create_ready(api, &warm).await?;
        api.delete(&id).await?;
        let (id, made) = create_ready(api, &usual).await?;
        api.delete(&id).await?;

        let name = format!("sandboxd-bench-{}", uuid::Uuid::new_v4().simple());
        let run_args = ["run", "-d", "--name", &name, "--label", "sandboxd.bench=1"];
        let started = Instant::now();
        let ran = docker(&[&run_args[..], &[&image, "sleep", "infinity"]].concat())?;
        let docker_run = started.elapsed();
        ensure!(ran.status.success(), "docker run failed: {ran:?}");
        docker(&["rm", "-f", &name])?;

        let create_args = ["create", "--name", &name, "--label", "sandboxd.bench=1"];
        let created = docker(&[&create_args[..], &[&image, "sleep", "infinity"]].concat())?;
        ensure!(
            created.status.success(),
            "docker create failed: {created:?}"
        );
        let started = Instant::now();
        let start = docker(&["start", &name])?;
        let docker_start = started.elapsed();
        ensure!(start.status.success(), "docker start failed: {start:?}");
        docker(&["rm", "-f", &name])?;
        if run > 0 {
            for (series, time) in times
                .iter_mut()
                .zip([from_pool, made, docker_run, docker_start])
            {
                series.push(time);
            }
        }
    }
    for series in &mut times {
        series.sort();
    }
    let [from_pool, made, docker_run, docker_start] = &times;
    println!("POST -> ready, barebone debian:bookworm, {RUNS} runs each, interleaved");
    println!("{:<36} {:>10} {:>10}", "", "p50", "p95");
    for (label, series) in [
        ("from a warm pool", from_pool),
        ("the usual path", made),
        ("docker run -d", docker_run),
        ("docker start (made beforehand)", docker_start),
    ] {
        let (p50, p95) = (percentile(series, 50), percentile(series, 95));
        println!("{label:<36} {:>8.1}ms {:>8.1}ms", ms(p50), ms(p95));
    }
    let warm_p50 = ms(percentile(from_pool, 50));
    results.push(
        Figure::new("POST -> ready from a warm pool, p50", "ms", warm_p50)
            .against("docker start, p50", ms(percentile(docker_start, 50)))
            .target("< 90 ms", warm_p50 < WARM_P50_MS),
    );
    results.push(
        Figure::new(
            "POST -> ready from a warm pool, p95",
            "ms",
            ms(percentile(from_pool, 95)),
        )
        .against("docker start, p95", ms(percentile(docker_start, 95))),
    );
    let usual_p50 = ms(percentile(made, 50));
    let run_p50 = ms(percentile(docker_run, 50));
    results.push(
        Figure::new("POST -> ready, usual path, p50", "ms", usual_p50)
            .against("docker run -d, p50", run_p50)
            .target("ratio <= 1.5", usual_p50 / run_p50 <= 1.5),
    );
    results.note(format!(
        "POST -> ready: barebone debian:bookworm on a cached image, {RUNS} rounds after one \
         warm-up, each a create from the pool (refilled between rounds, untimed), one made the \
         usual way (1024 MB, a shape no pool holds), docker run -d of the same image and \
         docker start of a container made with docker create beforehand"
    ));
    Ok(())
}
