//! `cargo bench --bench fork`: a fork of a running environment holding 1 GB of written
//! files, from POST /api/containers/{id}/fork until the fork runs, side by side with the
//! engine's own `docker commit` + `docker run -d` of the same container, interleaved in one
//! run so both see the same machine and the same disk.

mod common;

use std::process::{Command, Output};
use std::time::{Duration, Instant};

use anyhow::ensure;
use common::api::{login, Api};
use common::in_process::InProcess;
use common::results::{Figure, Results};
use common::server::{ADMIN_EMAIL, ADMIN_PASSWORD};
use common::stage::only_listing;
use common::stats::{ms, percentile};
use sandboxd::config::Settings;
use serde_json::{json, Value};

const RUNS: usize = 5;
const FILLED_MB: usize = 1024;
const POLL: Duration = Duration::from_millis(20);
const TARGET: Duration = Duration::from_secs(5);

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    if only_listing() {
        return Ok(());
    }
    let server = InProcess::start(|_| {}).await?;
    let outcome = measure(&server.settings, &server.base).await;
    // Forks' images carry their parent's labels; the baseline's are named.
    let images = docker(
        &server.settings,
        &["images", "-q", "--filter", &server.instance_filter()],
    )?;
    for image in String::from_utf8_lossy(&images.stdout).split_whitespace() {
        docker(&server.settings, &["rmi", "-f", image])?;
    }
    server.finish(outcome).await
}

fn docker(settings: &Settings, args: &[&str]) -> std::io::Result<Output> {
    Command::new("docker")
        .arg("-H")
        .arg(&settings.docker_host)
        .args(args)
        .output()
}

fn succeeded(output: Output, what: &str) -> anyhow::Result<Output> {
    ensure!(output.status.success(), "{what} failed: {output:?}");
    Ok(output)
}

async fn measure(settings: &Settings, base: &str) -> anyhow::Result<()> {
    let client = reqwest::Client::new();
    let api = Api {
        token: login(&client, base, ADMIN_EMAIL, ADMIN_PASSWORD).await?,
        client,
        base: base.to_string(),
    };
    let parent = api
        .create_running(
            &json!({"image": "debian:bookworm", "role": "barebone", "disk_mb": 4096}),
            Duration::from_secs(120),
            POLL,
        )
        .await?;
    let container = format!("sbx-{parent}");
    let fill = format!("dd if=/dev/urandom of=/root/filled bs=1M count={FILLED_MB} && sync");
    succeeded(
        docker(settings, &["exec", &container, "sh", "-c", &fill])?,
        "filling",
    )?;

    let mut fork_times = Vec::new();
    let mut docker_times = Vec::new();
    for run in 0..RUNS {
        let started = Instant::now();
        let fork = fork_running(&api, &parent).await?;
        fork_times.push(started.elapsed());
        api.delete(&fork).await?;

        let image = format!("sandboxd-bench-fork:{run}");
        let name = format!("sandboxd-bench-{}", uuid::Uuid::new_v4().simple());
        let started = Instant::now();
        succeeded(
            // Not paused, as the fork's own copy does not pause it: a pause the engine makes
            // behind sandboxd's back is recorded as the environment's, and the next fork of
            // a paused environment is refused.
            docker(settings, &["commit", "--pause=false", &container, &image])?,
            "docker commit",
        )?;
        let run_args = [
            "run",
            "-d",
            "--name",
            &name,
            "--label",
            "sandboxd.bench=1",
            "--entrypoint",
            "sleep",
            &image,
            "infinity",
        ];
        succeeded(docker(settings, &run_args)?, "docker run")?;
        docker_times.push(started.elapsed());
        docker(settings, &["rm", "-f", &name])?;
        docker(settings, &["rmi", "-f", &image])?;
    }
    api.delete(&parent).await?;
    report(&fork_times, &docker_times)
}

/// POST fork, then polls the fork until it runs; its id.
async fn fork_running(api: &Api, parent: &str) -> anyhow::Result<String> {
    let answer = api
        .client
        .post(format!("{}/api/containers/{parent}/fork", api.base))
        .bearer_auth(&api.token)
        .json(&json!({}))
        .send()
        .await?;
    let status = answer.status();
    let forked: Value = answer.json().await?;
    ensure!(status == 202, "fork answered {status}: {forked}");
    let id = forked["id"].as_str().unwrap_or_default().to_string();
    let ids = [id];
    let running = api
        .wait_running(&ids, Duration::from_secs(120), POLL)
        .await?;
    ensure!(running == 1, "the fork did not run");
    let [id] = ids;
    Ok(id)
}

fn report(fork_times: &[Duration], docker_times: &[Duration]) -> anyhow::Result<()> {
    let (mut ours, mut theirs) = (fork_times.to_vec(), docker_times.to_vec());
    ours.sort();
    theirs.sort();
    let (f50, fmax) = (percentile(&ours, 50), *ours.last().unwrap());
    let (d50, dmax) = (percentile(&theirs, 50), *theirs.last().unwrap());
    println!("fork of an environment holding {FILLED_MB} MB, {RUNS} runs each, interleaved");
    println!("{:<40} {:>10} {:>10}", "", "p50", "max");
    println!(
        "{:<40} {:>8.0}ms {:>8.0}ms",
        "sandboxd POST fork -> running",
        ms(f50),
        ms(fmax)
    );
    println!(
        "{:<40} {:>8.0}ms {:>8.0}ms",
        "docker commit + docker run -d",
        ms(d50),
        ms(dmax)
    );
    let mut results = Results::new(
        "fork",
        "a fork of a 1 GB environment: POST /api/containers/{id}/fork until it runs, against docker commit + docker run -d",
    );
    results.push(
        Figure::new("POST fork -> running, p50", "ms", ms(f50))
            .against("docker commit + run -d, p50", ms(d50))
            .target("< 5000 ms", f50 < TARGET),
    );
    results.push(
        Figure::new("POST fork -> running, max", "ms", ms(fmax))
            .against("docker commit + run -d, max", ms(dmax))
            .target("< 5000 ms", fmax < TARGET),
    );
    results.note(format!(
        "debian:bookworm barebone with {FILLED_MB} MB of random bytes written to its disk, \
         {RUNS} runs each, interleaved with the engine's own commit (without pausing) and run of \
         the same container over its socket; each fork is deleted (and its image with it) before the next"
    ));
    results.finish()
}
