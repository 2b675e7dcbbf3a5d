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
#[path = "load/user.rs"]
mod user;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::ensure;
use common::database::Database;
use common::server::{docker, Server};
use common::stage::{only_listing, Stage};
use common::stats::{ms, percentile, rss_mb};
use reqwest::Client;
use sandboxd::config::Settings;
use user::{sign_up, Tally, User};

const USERS: usize = 200;
const RUN_FOR: Duration = Duration::from_secs(120);
/// Environments one user may hold at once (the tier's limit during the run).
const QUOTA: usize = 2;
const READY_WITHIN: Duration = Duration::from_secs(90);
const PASSWORD: &str = "load-test-password";

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
