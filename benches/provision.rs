//! `make bench-provision`: time from POST /api/containers to ready for a barebone environment
//! on a cached image, side by side with `docker run -d` of the same image on the same engine,
//! interleaved in one run so both see the same machine.

mod common;

use std::process::Command;
use std::time::{Duration, Instant};

use common::results::{Figure, Results};
use sandboxd::config::Settings;
use sandboxd::startup::Application;
use serde_json::{json, Value};
use sqlx::{Connection, Executor, PgConnection};

const RUNS: usize = 20;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    // Test runners that list every target (`--list`) get nothing: this is a benchmark.
    if std::env::args().any(|arg| arg == "--list") {
        return Ok(());
    }
    let mut settings = Settings::from_env()?;
    settings.bind = "127.0.0.1:0".into();
    settings.database_url = fresh_database(&settings.database_url).await?;
    settings.redis_prefix = format!("sandboxd-bench:{}", uuid::Uuid::new_v4().simple());
    settings.admin_password = Some("bench-admin-password".into());
    settings.log_format = sandboxd::config::LogFormat::Json;
    // The benchmark creates and deletes faster than the per-user limits allow a person to.
    settings.creates_per_minute = u32::MAX;
    settings.creates_burst = 1_000;
    settings.container_ops_per_minute = u32::MAX;
    settings.container_ops_burst = 1_000;
    // Warnings only, so logging weighs nothing in the figures.
    std::env::set_var("SANDBOXD_LOG", "warn");
    sandboxd::telemetry::init(settings.log_format);
    let app = Application::build(settings.clone()).await?;
    let base = format!("http://127.0.0.1:{}", app.port());
    tokio::spawn(app.run_until_stopped(std::future::pending()));

    let client = reqwest::Client::new();
    let token = admin_token(&client, &base).await?;
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
        let id = provision(&client, &base, &token).await?;
        let elapsed = started.elapsed();
        delete(&client, &base, &token, &id).await?;

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

    let (s50, s95) = (
        percentile(&mut sandboxd_times, 50),
        percentile(&mut sandboxd_times, 95),
    );
    let (d50, d95) = (
        percentile(&mut docker_times, 50),
        percentile(&mut docker_times, 95),
    );
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

async fn provision(client: &reqwest::Client, base: &str, token: &str) -> anyhow::Result<String> {
    let created: Value = client
        .post(format!("{base}/api/containers"))
        .bearer_auth(token)
        .json(&json!({"image": "debian:bookworm", "role": "barebone"}))
        .send()
        .await?
        .json()
        .await?;
    let id = created["id"]
        .as_str()
        .ok_or_else(|| anyhow::anyhow!("create failed: {created}"))?
        .to_string();
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        let env: Value = client
            .get(format!("{base}/api/containers/{id}"))
            .bearer_auth(token)
            .send()
            .await?
            .json()
            .await?;
        match env["status"].as_str() {
            Some("running") => return Ok(id),
            Some("creating") if Instant::now() < deadline => {
                tokio::time::sleep(Duration::from_millis(5)).await
            }
            _ => anyhow::bail!("provisioning did not finish: {env}"),
        }
    }
}

async fn delete(client: &reqwest::Client, base: &str, token: &str, id: &str) -> anyhow::Result<()> {
    let response = client
        .delete(format!("{base}/api/containers/{id}"))
        .bearer_auth(token)
        .send()
        .await?;
    anyhow::ensure!(response.status().is_success(), "delete failed");
    Ok(())
}

async fn admin_token(client: &reqwest::Client, base: &str) -> anyhow::Result<String> {
    let session: Value = client
        .post(format!("{base}/api/auth/login"))
        .json(&json!({"login": "admin", "password": "bench-admin-password"}))
        .send()
        .await?
        .json()
        .await?;
    Ok(session["token"].as_str().unwrap_or_default().to_string())
}

async fn fresh_database(base_url: &str) -> anyhow::Result<String> {
    let name = format!("sandboxd_test_bench_{}", uuid::Uuid::new_v4().simple());
    let mut connection = PgConnection::connect(base_url).await?;
    connection
        .execute(format!(r#"CREATE DATABASE "{name}""#).as_str())
        .await?;
    let (server, _) = base_url
        .rsplit_once('/')
        .expect("a database URL has a path");
    Ok(format!("{server}/{name}"))
}

fn percentile(samples: &mut [Duration], p: usize) -> Duration {
    samples.sort();
    let index = ((samples.len() * p).div_ceil(100)).saturating_sub(1);
    samples[index.min(samples.len() - 1)]
}

fn ms(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}
