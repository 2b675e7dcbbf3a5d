//! `make load`: 200 simulated users on loopback for two minutes, each creating an
//! environment, using it (exec, stats, list) and deleting it, again and again, against a
//! `sandboxd serve` of its own. It checks that nothing answers 5xx, that the per-user quota
//! holds exactly (a create is refused exactly when the user is at the limit), and that nothing
//! is left behind: no container with the server's label, no environment or job row. It
//! reports requests, latency percentiles and the server's memory. Then its abuse phase
//! (`load/abuse.rs`) times ordinary creates beside guests whose environments never report.

#[path = "load/abuse.rs"]
mod abuse;
mod common;

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::ensure;
use common::api::login;
use common::database::Database;
use common::server::{docker, Server};
use common::stage::{only_listing, Stage};
use common::stats::{ms, percentile, rss_mb};
use reqwest::{Client, Method, StatusCode};
use sandboxd::config::Settings;
use serde_json::{json, Value};

const USERS: usize = 200;
const RUN_FOR: Duration = Duration::from_secs(120);
/// Environments one user may hold at once (the tier's limit during the run).
const QUOTA: usize = 2;
const READY_WITHIN: Duration = Duration::from_secs(90);
const PASSWORD: &str = "load-test-password";

/// `path` with its ids (UUIDs) replaced by `{id}`, so requests group by route.
fn route_of(path: &str) -> String {
    let path = path.split('?').next().unwrap_or(path);
    path.split('/')
        .map(|part| {
            if uuid::Uuid::parse_str(part).is_ok() {
                "{id}"
            } else {
                part
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// What every simulated user reports back.
#[derive(Default)]
struct Tally {
    latencies: Vec<Duration>,
    /// The same latencies by method and route, ids left out.
    by_route: BTreeMap<String, Vec<Duration>>,
    requests: u64,
    server_errors: Vec<String>,
    quota_violations: Vec<String>,
    refusals_at_quota: u64,
    cycles: u64,
    /// Environments that ended in `error`, with their messages.
    failed_environments: Vec<String>,
    /// Environments not running within READY_WITHIN (a slow engine; not a failure by itself).
    late_environments: u64,
}

enum Readiness {
    Running,
    Failed(String),
    Late,
}

struct User {
    client: Client,
    base: String,
    token: String,
    image: String,
    tally: Arc<Mutex<Tally>>,
}

impl User {
    /// One timed request; a 5xx is recorded with what was asked.
    async fn call(&self, method: Method, path: &str, body: Option<Value>) -> (StatusCode, Value) {
        let mut request = self
            .client
            .request(method.clone(), format!("{}{path}", self.base))
            .bearer_auth(&self.token);
        if let Some(body) = body {
            request = request.json(&body);
        }
        let started = Instant::now();
        let outcome = request.send().await;
        let elapsed = started.elapsed();
        let (status, value) = match outcome {
            Ok(response) => {
                let status = response.status();
                (status, response.json().await.unwrap_or(Value::Null))
            }
            Err(err) => (
                StatusCode::BAD_GATEWAY,
                json!({"error": format!("transport: {err}")}),
            ),
        };
        let mut tally = self.tally.lock().expect("tally lock");
        tally.requests += 1;
        tally.latencies.push(elapsed);
        tally
            .by_route
            .entry(format!("{method} {}", route_of(path)))
            .or_default()
            .push(elapsed);
        if status.is_server_error() {
            tally
                .server_errors
                .push(format!("{method} {path}: {status} {value}"));
        }
        (status, value)
    }

    fn violation(&self, what: String) {
        self.tally
            .lock()
            .expect("tally lock")
            .quota_violations
            .push(what);
    }

    async fn create(&self, held: &mut Vec<String>) {
        let body = json!({"image": "custom", "custom_image": self.image, "role": "barebone"});
        let (status, value) = self.call(Method::POST, "/api/containers", Some(body)).await;
        match status {
            StatusCode::ACCEPTED if held.len() < QUOTA => {
                held.push(value["id"].as_str().unwrap_or_default().to_string())
            }
            StatusCode::ACCEPTED => {
                self.violation(format!("create accepted with {} held", held.len()))
            }
            StatusCode::FORBIDDEN if held.len() >= QUOTA => {
                self.tally.lock().expect("tally lock").refusals_at_quota += 1
            }
            StatusCode::FORBIDDEN => {
                self.violation(format!("create refused with {} held: {value}", held.len()))
            }
            _ => {}
        }
    }

    async fn wait_running(&self, id: &str) -> Readiness {
        let deadline = Instant::now() + READY_WITHIN;
        while Instant::now() < deadline {
            let (_, value) = self
                .call(Method::GET, &format!("/api/containers/{id}"), None)
                .await;
            match value["status"].as_str() {
                Some("running") => return Readiness::Running,
                Some("error") => return Readiness::Failed(value["message"].to_string()),
                _ => tokio::time::sleep(Duration::from_millis(500)).await,
            }
        }
        Readiness::Late
    }

    async fn work_in(&self, id: &str) {
        let exec = json!({"command": ["echo", "load"], "timeout": 30});
        self.call(
            Method::POST,
            &format!("/api/containers/{id}/exec"),
            Some(exec),
        )
        .await;
        self.call(Method::GET, &format!("/api/containers/{id}/stats"), None)
            .await;
        self.call(Method::GET, "/api/containers", None).await;
        self.call(Method::GET, "/api/me", None).await;
    }

    /// Fill the quota, check the next create is refused, use one, delete one; repeat.
    async fn run(self, stop: Arc<AtomicBool>) {
        let mut held: Vec<String> = Vec::new();
        while !stop.load(Ordering::Relaxed) {
            while held.len() < QUOTA && !stop.load(Ordering::Relaxed) {
                self.create(&mut held).await;
            }
            self.create(&mut held).await; // at the limit: must be refused
            if let Some(id) = held.first().cloned() {
                match self.wait_running(&id).await {
                    Readiness::Running => self.work_in(&id).await,
                    Readiness::Failed(message) => {
                        let mut tally = self.tally.lock().expect("tally lock");
                        tally.failed_environments.push(message);
                    }
                    Readiness::Late => {
                        self.tally.lock().expect("tally lock").late_environments += 1
                    }
                }
                let (status, _) = self
                    .call(Method::DELETE, &format!("/api/containers/{id}"), None)
                    .await;
                if status.is_success() {
                    held.remove(0);
                }
            }
            self.tally.lock().expect("tally lock").cycles += 1;
        }
        for id in held {
            self.call(Method::DELETE, &format!("/api/containers/{id}"), None)
                .await;
        }
    }
}

async fn sign_up(client: &Client, base: &str, n: usize) -> anyhow::Result<String> {
    let name = format!("load{n}");
    let email = format!("{name}@example.com");
    let registered = client
        .post(format!("{base}/api/auth/register"))
        .json(&json!({"email": email, "username": name, "password": PASSWORD}))
        .send()
        .await?;
    ensure!(
        registered.status() == 201,
        "register {name}: {}",
        registered.status()
    );
    login(client, base, &email, PASSWORD).await
}

async fn count(database: &Database, table: &str) -> anyhow::Result<i64> {
    use sqlx::{Connection, PgConnection};
    let mut connection = PgConnection::connect(&database.url).await?;
    let (n,): (i64,) = sqlx::query_as(&format!("SELECT count(*) FROM {table}"))
        .fetch_one(&mut connection)
        .await?;
    Ok(n)
}

fn labelled_containers(server: &Server) -> usize {
    let label = format!("label=sandboxd.instance={}", server.prefix);
    docker(&server.docker_host, &["ps", "-aq", "--filter", &label])
        .map(|out| {
            String::from_utf8_lossy(&out.stdout)
                .split_whitespace()
                .count()
        })
        .unwrap_or(usize::MAX)
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    if only_listing() {
        return Ok(());
    }
    common::server::raise_open_files(8192)?;
    let extra = [
        ("SANDBOXD_AUTH_RATE_LIMIT_PER_IP", "1000000".to_string()),
        (
            "SANDBOXD_AUTH_RATE_LIMIT_PER_ACCOUNT",
            "1000000".to_string(),
        ),
        ("SANDBOXD_WORKERS", "4".to_string()),
    ];
    let stage = Stage::start("load", &extra).await?;
    let outcome = run(&stage.settings, &stage.database, &stage.server).await;
    stage.finish(outcome).await
}

async fn run(settings: &Settings, database: &Database, server: &Server) -> anyhow::Result<()> {
    server.wait_ready(Duration::from_millis(50)).await?;
    // Small environments, so two hundred users' worth fit on a laptop-sized host.
    database
        .execute(&format!(
            "UPDATE tiers SET max_containers = {QUOTA}, memory_mb_min = 32, memory_mb_default = 64, \
             cpu_millicores_min = 50, cpu_millicores_default = 100, disk_mb_min = 64, disk_mb_default = 256 \
             WHERE name = 'free'"
        ))
        .await?;
    // Idle connections are let go before the server's 5 s keep-alive closes them: reusing one
    // the server is closing fails in the client, and would be counted as an error.
    let client = Client::builder()
        .pool_max_idle_per_host(USERS)
        .pool_idle_timeout(Duration::from_secs(3))
        .build()?;
    let mut tokens = Vec::with_capacity(USERS);
    for n in 0..USERS {
        tokens.push(sign_up(&client, &server.base, n).await?);
    }
    let rss_before = rss_mb(server.pid())?;
    println!(
        "{USERS} users signed up; server RSS {rss_before:.1} MB; running for {} s",
        RUN_FOR.as_secs()
    );

    let first_tokens = tokens.clone();
    let tally = Arc::new(Mutex::new(Tally::default()));
    let stop = Arc::new(AtomicBool::new(false));
    let image = format!("{}/sandboxd/busybox:latest", settings.registry);
    let users: Vec<_> = tokens
        .into_iter()
        .map(|token| {
            let user = User {
                client: client.clone(),
                base: server.base.clone(),
                token,
                image: image.clone(),
                tally: tally.clone(),
            };
            tokio::spawn(user.run(stop.clone()))
        })
        .collect();
    let started = Instant::now();
    let mut rss_peak = rss_before;
    while started.elapsed() < RUN_FOR {
        tokio::time::sleep(Duration::from_secs(2)).await;
        rss_peak = rss_peak.max(rss_mb(server.pid())?);
    }
    stop.store(true, Ordering::Relaxed);
    for user in users {
        user.await?;
    }
    let elapsed = started.elapsed();
    let silent = format!("{}/sandboxd/silent:latest", settings.registry);
    let abuse = abuse::run(
        &client,
        &server.base,
        database,
        &first_tokens,
        &image,
        &silent,
    )
    .await?;

    // Deletes are immediate for the API; a busy engine may still be releasing storage.
    let deadline = Instant::now() + Duration::from_secs(300);
    while labelled_containers(server) > 0 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
    let leaked_containers = labelled_containers(server);
    let leaked_rows = count(database, "containers").await?;
    let leaked_jobs = count(database, "provision_jobs").await?;
    let rss_after = rss_mb(server.pid())?;

    let tally = tally.lock().expect("tally lock");
    let mut latencies = tally.latencies.clone();
    latencies.sort_unstable();
    println!();
    println!(
        "load: {USERS} users for {:.0} s against one sandboxd serve",
        elapsed.as_secs_f64()
    );
    println!(
        "  requests               {:>10}  ({:.0}/s)",
        tally.requests,
        tally.requests as f64 / elapsed.as_secs_f64()
    );
    println!("  create/use/delete rounds {:>8}", tally.cycles);
    println!(
        "  latency p50 / p99      {:>7.1} ms / {:.1} ms",
        ms(percentile(&latencies, 50)),
        ms(percentile(&latencies, 99))
    );
    for (route, latencies) in &tally.by_route {
        let mut latencies = latencies.clone();
        latencies.sort_unstable();
        println!(
            "    {route:<38} {:>6} requests, p50 {:>7.1} ms, p99 {:>7.1} ms",
            latencies.len(),
            ms(percentile(&latencies, 50)),
            ms(percentile(&latencies, 99))
        );
    }
    println!("  5xx responses          {:>10}", tally.server_errors.len());
    println!(
        "  quota violations       {:>10}  (refusals exactly at the limit: {})",
        tally.quota_violations.len(),
        tally.refusals_at_quota
    );
    println!(
        "  environments in error  {:>10}  (not ready within {} s: {})",
        tally.failed_environments.len(),
        READY_WITHIN.as_secs(),
        tally.late_environments
    );
    println!("  leaked containers      {:>10}", leaked_containers);
    println!(
        "  leaked rows            {:>10}  environments, {} provisioning jobs",
        leaked_rows, leaked_jobs
    );
    abuse.print();
    println!("  server RSS             {rss_before:>7.1} MB before, {rss_peak:.1} MB peak, {rss_after:.1} MB after");
    for error in tally.server_errors.iter().take(10) {
        println!("  5xx: {error}");
    }
    for violation in tally.quota_violations.iter().take(10) {
        println!("  quota: {violation}");
    }
    for failure in tally.failed_environments.iter().take(10) {
        println!("  error: {failure}");
    }
    ensure!(
        tally.server_errors.is_empty(),
        "{} responses were 5xx",
        tally.server_errors.len()
    );
    ensure!(tally.quota_violations.is_empty(), "the quota did not hold");
    ensure!(
        tally.failed_environments.is_empty(),
        "{} environments ended in error",
        tally.failed_environments.len()
    );
    ensure!(
        tally.refusals_at_quota > 0,
        "no create was ever refused at the limit"
    );
    ensure!(
        leaked_containers == 0,
        "{leaked_containers} containers left behind"
    );
    ensure!(leaked_rows == 0 && leaked_jobs == 0, "rows left behind");
    println!("  PASS");
    Ok(())
}
