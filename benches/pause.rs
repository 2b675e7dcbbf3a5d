//! `cargo bench --bench pause`: POST /api/containers/{id}/pause and /resume, each until its
//! 200, side by side with the engine's own pause and unpause of a plain container of the same
//! image called over its socket, interleaved in one run so both see the same machine.

mod common;

use std::time::{Duration, Instant};

use anyhow::ensure;
use bollard::Docker;
use common::api::{login, Api};
use common::in_process::InProcess;
use common::results::{Figure, Results};
use common::server::{ADMIN_EMAIL, ADMIN_PASSWORD};
use common::stage::only_listing;
use common::stats::{ms, percentile};
use sandboxd::config::Settings;
use serde_json::{json, Value};

const ROUNDS: usize = 30;
const TARGET_MS: f64 = 100.0;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    if only_listing() {
        return Ok(());
    }
    let server = InProcess::start(|_| {}).await?;
    let outcome = measure(&server.settings, &server.base).await;
    server.finish(outcome).await
}

/// The engine's client on its socket, as bare as the API's own path to it.
fn engine(settings: &Settings) -> anyhow::Result<Docker> {
    let socket = settings.docker_host.trim_start_matches("unix://");
    Ok(Docker::connect_with_unix(
        socket,
        120,
        bollard::API_DEFAULT_VERSION,
    )?)
}

async fn measure(settings: &Settings, base: &str) -> anyhow::Result<()> {
    let client = reqwest::Client::new();
    let api = Api {
        token: login(&client, base, ADMIN_EMAIL, ADMIN_PASSWORD).await?,
        client: client.clone(),
        base: base.to_string(),
    };
    let image = format!("{}/sandboxd/busybox:latest", settings.registry);
    let request = json!({"image": "custom", "custom_image": image, "role": "barebone",
                         "shell": {"enhanced": false}});
    let id = api
        .create_running(
            &request,
            Duration::from_secs(120),
            Duration::from_millis(20),
        )
        .await?;
    let docker = engine(settings)?;
    let name = format!("sandboxd-bench-{}", uuid::Uuid::new_v4().simple());
    let made = std::process::Command::new("docker")
        .args(["-H", &settings.docker_host, "run", "-d", "--name", &name])
        .args(["--label", "sandboxd.bench=1", &image, "sleep", "infinity"])
        .output()?;
    ensure!(made.status.success(), "docker run failed: {made:?}");

    let call = |action: &'static str| {
        let request = client
            .post(format!("{base}/api/containers/{id}/{action}"))
            .bearer_auth(&api.token);
        async move {
            let started = Instant::now();
            let response = request.send().await?;
            let status = response.status();
            let body: Value = response.json().await?;
            let elapsed = started.elapsed();
            ensure!(status.is_success(), "{action} answered {status}: {body}");
            Ok::<_, anyhow::Error>(elapsed)
        }
    };
    let (mut api_pause, mut api_resume, mut engine_pause, mut engine_resume) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    // One round of each first, so neither side pays for a cold start in the figures.
    for round in 0..=ROUNDS {
        let paused = call("pause").await?;
        let resumed = call("resume").await?;
        let started = Instant::now();
        docker.pause_container(&name).await?;
        let engine_paused = started.elapsed();
        let started = Instant::now();
        docker.unpause_container(&name).await?;
        let engine_resumed = started.elapsed();
        if round > 0 {
            api_pause.push(paused);
            api_resume.push(resumed);
            engine_pause.push(engine_paused);
            engine_resume.push(engine_resumed);
        }
    }
    api.delete(&id).await?;

    let mut results = Results::new(
        "pause",
        "pause and resume through the API, against the engine's own pause and unpause",
    );
    let pairs = [
        ("pause", "engine pause", &mut api_pause, &mut engine_pause),
        (
            "resume",
            "engine unpause",
            &mut api_resume,
            &mut engine_resume,
        ),
    ];
    for (ours, theirs, api_times, engine_times) in pairs {
        api_times.sort();
        engine_times.sort();
        for p in [50, 95] {
            let value = ms(percentile(api_times, p));
            results.push(
                Figure::new(&format!("POST {ours}, p{p}"), "ms", value)
                    .against(&format!("{theirs}, p{p}"), ms(percentile(engine_times, p)))
                    .target("< 100 ms", value < TARGET_MS),
            );
        }
    }
    results.note(format!(
        "one busybox environment paused and resumed {ROUNDS} times after one warm-up round, \
         each call timed until its 200 and its body read; interleaved with the engine's own \
         pause and unpause of a plain container of the same image over its socket; the \
         server runs in the benchmark's process"
    ));
    results.finish()
}
