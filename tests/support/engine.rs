//! Test access to the Docker engine, through its CLI so that tests check what the engine
//! really holds, independently of sandboxd's own adapter. Everything a test app makes carries
//! its instance label, and is removed when the app is dropped, pass or fail.

use std::process::{Child, Command, Output};

use sandboxd::config::Settings;
use serde_json::Value;

pub fn docker(settings: &Settings, args: &[&str]) -> Output {
    Command::new("docker")
        .arg("-H")
        .arg(&settings.docker_host)
        .args(args)
        .output()
        .expect("the docker CLI runs")
}

pub fn docker_text(settings: &Settings, args: &[&str]) -> String {
    String::from_utf8_lossy(&docker(settings, args).stdout)
        .trim()
        .to_string()
}

/// Ids of every container carrying `label`.
pub fn containers_with(settings: &Settings, label: &str) -> Vec<String> {
    docker_text(
        settings,
        &[
            "ps",
            "-aq",
            "--no-trunc",
            "--filter",
            &format!("label={label}"),
        ],
    )
    .lines()
    .map(str::to_string)
    .collect()
}

pub fn inspect(settings: &Settings, id: &str) -> Value {
    let text = docker_text(settings, &["inspect", id]);
    let mut all: Value = serde_json::from_str(&text).expect("inspect prints JSON");
    all[0].take()
}

/// The engine's name for the network of `environment`'s owner.
pub fn user_network(environment: &Value) -> String {
    let owner = environment["user_id"].as_str().unwrap().replace('-', "");
    format!("sbx-net-{owner}")
}

/// Runs `script` with /bin/sh inside the environment's container.
pub fn exec(settings: &Settings, container: &str, script: &str) -> Output {
    docker(settings, &["exec", container, "/bin/sh", "-c", script])
}

pub fn remove_everything_of(settings: &Settings) {
    let label = format!("sandboxd.instance={}", settings.redis_prefix);
    let containers = containers_with(settings, &label);
    if !containers.is_empty() {
        let mut args = vec!["rm", "-f", "-v"];
        args.extend(containers.iter().map(String::as_str));
        docker(settings, &args);
    }
    let networks = docker_text(
        settings,
        &["network", "ls", "-q", "--filter", &format!("label={label}")],
    );
    for network in networks.lines() {
        docker(settings, &["network", "rm", network]);
    }
    // Snapshots' and forks' images carry the labels of the container they were made from.
    let images = images_with(settings, &label);
    if !images.is_empty() {
        let mut args = vec!["rmi", "-f"];
        args.extend(images.iter().map(String::as_str));
        docker(settings, &args);
    }
}

/// `repository:tag` of every image carrying `label`.
pub fn images_with(settings: &Settings, label: &str) -> Vec<String> {
    docker_text(
        settings,
        &[
            "images",
            "--filter",
            &format!("label={label}"),
            "--format",
            "{{.Repository}}:{{.Tag}}",
        ],
    )
    .lines()
    .map(str::to_string)
    .collect()
}

/// A `sandboxd worker` process over the test app's database and Redis, killed on drop.
pub struct WorkerProcess {
    child: Child,
}

/// `sandboxd worker` over the test app's database, Redis namespace and engine.
pub fn worker_command(settings: &Settings) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_sandboxd"));
    command
        .arg("worker")
        .env("SANDBOXD_DATABASE_URL", &settings.database_url)
        .env("SANDBOXD_REDIS_URL", &settings.redis_url)
        .env("SANDBOXD_REDIS_PREFIX", &settings.redis_prefix)
        .env("SANDBOXD_DOCKER_HOST", &settings.docker_host)
        .env("SANDBOXD_REGISTRY", &settings.registry)
        .env(
            "SANDBOXD_JOB_LEASE_SECONDS",
            settings.job_lease.as_secs().to_string(),
        )
        .env("SANDBOXD_PIDS_LIMIT", settings.pids_limit.to_string())
        .env(
            "SANDBOXD_POOL_DEFAULT_SIZE",
            settings.node.default_pool_size.to_string(),
        )
        .env("SANDBOXD_LOG", "warn");
    command
}

impl WorkerProcess {
    pub fn start(settings: &Settings) -> Self {
        let child = worker_command(settings)
            .env("SANDBOXD_WORKERS", "1")
            .spawn()
            .expect("the sandboxd binary starts");
        Self { child }
    }

    /// SIGKILL: the worker gets no chance to clean up or hand back its lease.
    pub fn kill(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for WorkerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
