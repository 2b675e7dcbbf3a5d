//! `cargo bench --bench footprint`: how long `sandboxd serve` takes from process start to a
//! 200 from /readyz with the stack already up, and how much memory it holds idle.
//!
//! The first start on the fresh database applies the migrations and is reported apart; the
//! figures are the median of the warm starts after it. The Docker engine's own resident
//! memory, read at the same time, is the reference for the memory figure.

mod common;

use std::path::Path;
use std::time::Duration;

use common::database::Database;
use common::results::{Figure, Results};
use common::server::Server;
use common::stage::only_listing;
use common::stats::{median, ms, rss_mb};
use sandboxd::config::Settings;

const WARM_STARTS: usize = 5;
const POLL_EVERY: Duration = Duration::from_millis(5);
/// Long enough for start-up work (first housekeeping pass, worker loops) to be over.
const SETTLE: Duration = Duration::from_secs(3);

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    if only_listing() {
        return Ok(());
    }
    let settings = Settings::from_env()?;
    let database = Database::fresh(&settings.database_url).await?;
    let outcome = run(&settings, &database).await;
    database.drop().await;
    outcome
}

async fn run(settings: &Settings, database: &Database) -> anyhow::Result<()> {
    let prefix = format!("sandboxd-bench:{}", uuid::Uuid::new_v4().simple());
    eprintln!("==> first start: migrations on a fresh database ...");
    let mut first = Server::spawn(settings, &database.url, &prefix, "footprint", &[])?;
    let cold = first.wait_ready(POLL_EVERY).await?;
    first.stop();

    let mut ready = Vec::new();
    let mut rss = Vec::new();
    for start in 1..=WARM_STARTS {
        let mut server = Server::spawn(settings, &database.url, &prefix, "footprint", &[])?;
        let took = server.wait_ready(POLL_EVERY).await?;
        tokio::time::sleep(SETTLE).await;
        let idle = rss_mb(server.pid())?;
        server.stop();
        eprintln!(
            "    start {start}: ready in {:.0} ms, idle RSS {idle:.1} MB",
            ms(took)
        );
        ready.push(ms(took));
        rss.push(idle);
    }
    let (ready, rss) = (median(&ready), median(&rss));

    let mut results = Results::new("footprint", "sandboxd serve: start-up and idle memory");
    let mut memory = Figure::new("idle RSS of sandboxd serve", "MB", rss);
    if let Some(engine) = engine_rss(&settings.docker_host) {
        memory = memory.against("Docker engine (dockerd) RSS", engine);
    }
    results.push(memory.target("< 40 MB", rss < 40.0));
    results.push(
        Figure::new("process start to /readyz 200, warm stack", "ms", ready)
            .target("< 500 ms", ready < 500.0),
    );
    results.note(format!(
        "median of {WARM_STARTS} warm starts over a migrated database, /readyz polled every {} \
         ms, memory read {} s after ready; the first start, which applied the migrations, was \
         ready in {:.0} ms",
        POLL_EVERY.as_millis(),
        SETTLE.as_secs(),
        ms(cold)
    ));
    results.finish()
}

/// The engine's memory, if it keeps its pid file beside its socket (as the local stack does).
fn engine_rss(docker_host: &str) -> Option<f64> {
    let socket = Path::new(docker_host.strip_prefix("unix://")?);
    let pid = std::fs::read_to_string(socket.with_file_name("docker.pid")).ok()?;
    rss_mb(pid.trim().parse().ok()?).ok()
}
