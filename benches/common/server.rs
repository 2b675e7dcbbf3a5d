//! `sandboxd serve` in a process of its own, so what is measured is its memory and its CPU,
//! not the benchmark's. Killed, and whatever it made removed, by `stop` or on drop.

use std::fs::File;
use std::net::TcpListener;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use anyhow::{ensure, Context};
use sandboxd::config::Settings;

use super::api::Api;

pub const ADMIN_EMAIL: &str = "admin@sandboxd.local";
pub const ADMIN_PASSWORD: &str = "bench-admin-password";

pub struct Server {
    child: Option<Child>,
    pub port: u16,
    pub base: String,
    /// The Redis prefix, also the `sandboxd.instance` label of everything it makes.
    pub prefix: String,
    pub docker_host: String,
    pub log_path: String,
    /// When the process was spawned.
    pub spawned: Instant,
}

impl Server {
    /// Starts a server over `database_url` with the per-user rate limits lifted (a benchmark
    /// asks faster than a person may) and `extra` variables on top.
    pub fn spawn(
        settings: &Settings,
        database_url: &str,
        prefix: &str,
        name: &str,
        extra: &[(&str, String)],
    ) -> anyhow::Result<Server> {
        let port = TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
        let log_path = format!("{}/bench-{name}-server.log", std::env::temp_dir().display());
        let log = File::create(&log_path)?;
        let mut command = Command::new(env!("CARGO_BIN_EXE_sandboxd"));
        command
            .arg("serve")
            .env("SANDBOXD_BIND", format!("127.0.0.1:{port}"))
            .env("SANDBOXD_DATABASE_URL", database_url)
            .env("SANDBOXD_REDIS_URL", &settings.redis_url)
            .env("SANDBOXD_REDIS_PREFIX", prefix)
            .env("SANDBOXD_DOCKER_HOST", &settings.docker_host)
            .env("SANDBOXD_REGISTRY", &settings.registry)
            .env("SANDBOXD_ADMIN_PASSWORD", ADMIN_PASSWORD)
            .env("SANDBOXD_LOG", "warn")
            .env("SANDBOXD_CREATES_PER_MINUTE", u32::MAX.to_string())
            .env("SANDBOXD_CREATES_BURST", "100000")
            .env("SANDBOXD_CONTAINER_OPS_PER_MINUTE", u32::MAX.to_string())
            .env("SANDBOXD_CONTAINER_OPS_BURST", "100000")
            // The benchmarks pack many small environments onto one machine: placement
            // must not be what stops them.
            .env("SANDBOXD_NODE_CPU_OVERCOMMIT", "1000")
            .env("SANDBOXD_NODE_MEMORY_OVERCOMMIT", "1000")
            // Only the pool benchmark measures warm pools; the others measure the usual path.
            .env("SANDBOXD_POOL_DEFAULT_SIZE", "0")
            // Beside `make run`'s server and each other: any free port, unless asked.
            .env("SANDBOXD_SSH_PORT", "0");
        for (key, value) in extra {
            command.env(key, value);
        }
        let spawned = Instant::now();
        let child = command
            .stdin(Stdio::null())
            .stdout(log.try_clone()?)
            .stderr(log)
            .spawn()
            .context("starting the sandboxd binary")?;
        Ok(Server {
            child: Some(child),
            port,
            base: format!("http://127.0.0.1:{port}"),
            prefix: prefix.to_string(),
            docker_host: settings.docker_host.clone(),
            log_path,
            spawned,
        })
    }

    pub fn pid(&self) -> u32 {
        self.child.as_ref().map_or(0, Child::id)
    }

    /// Waits for /readyz to answer 200, polling every `every`; the time since the spawn.
    pub async fn wait_ready(&self, every: Duration) -> anyhow::Result<Duration> {
        let client = reqwest::Client::new();
        let url = format!("{}/readyz", self.base);
        let deadline = self.spawned + Duration::from_secs(60);
        loop {
            if let Ok(response) = client.get(&url).send().await {
                if response.status().is_success() {
                    return Ok(self.spawned.elapsed());
                }
            }
            ensure!(
                Instant::now() < deadline,
                "the server was not ready within 60 s; its log: {}",
                self.log_path
            );
            tokio::time::sleep(every).await;
        }
    }

    /// A session token of the seeded admin.
    pub async fn admin_token(&self) -> anyhow::Result<String> {
        super::api::login(
            &reqwest::Client::new(),
            &self.base,
            ADMIN_EMAIL,
            ADMIN_PASSWORD,
        )
        .await
    }

    /// The seeded admin, as an API client.
    pub async fn admin(&self) -> anyhow::Result<Api> {
        Ok(Api {
            client: reqwest::Client::new(),
            base: self.base.clone(),
            token: self.admin_token().await?,
        })
    }

    /// Kills the server, then removes whatever containers and networks carry its label.
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
        let label = format!("label=sandboxd.instance={}", self.prefix);
        remove_labelled(&self.docker_host, &label);
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop();
    }
}

/// The docker CLI against the stack's engine.
pub fn docker(host: &str, args: &[&str]) -> std::io::Result<Output> {
    Command::new("docker")
        .arg("-H")
        .arg(host)
        .args(args)
        .output()
}

/// Removes every container, running or not, then every network, that matches a `label=...`
/// filter: a server stopped before its housekeeping ran leaves its users' networks.
pub fn remove_labelled(host: &str, filter: &str) {
    for (list, remove) in [
        (["ps", "-aq", "--no-trunc"], ["rm", "-f", "-v"].as_slice()),
        (["network", "ls", "-q"], ["network", "rm"].as_slice()),
    ] {
        let Ok(listed) = docker(host, &[&list[..], &["--filter", filter]].concat()) else {
            continue;
        };
        let ids = String::from_utf8_lossy(&listed.stdout).to_string();
        let ids: Vec<&str> = ids.split_whitespace().collect();
        if !ids.is_empty() {
            let _ = docker(host, &[remove, &ids].concat());
        }
    }
}

/// Lets this process, and the server it starts, hold tens of thousands of sockets: the hard
/// limit is raised too when we may (as root), else the soft one up to it.
pub fn raise_open_files(wanted: u64) -> anyhow::Result<u64> {
    if rlimit::setrlimit(rlimit::Resource::NOFILE, wanted, wanted).is_ok() {
        return Ok(wanted);
    }
    Ok(rlimit::increase_nofile_limit(wanted)?)
}
