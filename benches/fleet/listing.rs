//! The fleet benchmark's second half: the user's listing under load, against the engine's own
//! list of the same containers.

use std::path::PathBuf;
use std::time::Duration;

use anyhow::{ensure, Context};
use serde_json::{json, Value};

use crate::common::api::Api;
use crate::common::load::{self, Endpoint, Target};
use crate::common::results::{Figure, Results};
use crate::common::server::Server;
use crate::common::stats::{median, ms, percentile};
use crate::{CONNECTIONS, ENVIRONMENTS, LOAD_ROUNDS, LOAD_RUN, WARMUP};

pub async fn listing(
    api: &Api,
    server: &Server,
    host: &str,
    results: &mut Results,
) -> anyhow::Result<()> {
    let filter = json!({"label": [format!("sandboxd.instance={}", server.prefix)]}).to_string();
    let engine = Target {
        endpoint: Endpoint::Unix {
            path: PathBuf::from(host.strip_prefix("unix://").unwrap_or(host)),
        },
        path: format!("/containers/json?filters={}", percent_encode(&filter)),
        bearer: None,
        headers: Vec::new(),
    };
    let ours = Target {
        endpoint: Endpoint::Tcp { port: server.port },
        path: "/api/containers".into(),
        bearer: Some(api.token.clone()),
        headers: Vec::new(),
    };
    let listed: Value = api.get("/api/containers").await?;
    ensure!(
        listed["count"] == ENVIRONMENTS,
        "the user has {} environments",
        listed["count"]
    );

    eprintln!("==> listing under {CONNECTIONS} connections: warm-up ...");
    let probe = load::run(&engine, 1, Duration::from_millis(200)).await?;
    let engine_count = serde_json::from_slice::<Vec<Value>>(&probe.last_body)
        .context("the engine's list is not an array")?
        .len();
    ensure!(
        engine_count == ENVIRONMENTS,
        "the engine lists {engine_count} containers"
    );
    load::run(&ours, CONNECTIONS, WARMUP).await?;
    load::run(&engine, CONNECTIONS, WARMUP).await?;
    let mut rates = [Vec::new(), Vec::new()];
    let mut latencies = [Vec::new(), Vec::new()];
    for round in 1..=LOAD_ROUNDS {
        for (side, target) in [&ours, &engine].into_iter().enumerate() {
            let run = load::run(target, CONNECTIONS, LOAD_RUN).await?;
            eprintln!(
                "    run {round} {:<9} {:>8.0} req/s, p50 {:.2} ms, p99 {:.2} ms, {} bytes each",
                ["sandboxd", "engine"][side],
                run.per_second(),
                ms(percentile(&run.latencies, 50)),
                ms(percentile(&run.latencies, 99)),
                run.last_body.len()
            );
            rates[side].push(run.per_second());
            latencies[side].extend(run.latencies);
        }
    }
    for series in &mut latencies {
        series.sort();
    }
    let (ours_rate, engine_rate) = (median(&rates[0]), median(&rates[1]));
    results.push(
        Figure::new("GET /api/containers, 64 connections", "req/s", ours_rate)
            .against("engine GET /containers/json", engine_rate)
            .target(">= 10x the engine", ours_rate >= 10.0 * engine_rate),
    );
    let p = |side: usize, p: usize| ms(percentile(&latencies[side], p));
    results.push(
        Figure::new("GET /api/containers p50", "ms", p(0, 50))
            .against("engine GET /containers/json", p(1, 50)),
    );
    results.push(
        Figure::new("GET /api/containers p99", "ms", p(0, 99))
            .against("engine GET /containers/json", p(1, 99))
            .target("< 20 ms", p(0, 99) < 20.0),
    );
    Ok(())
}

/// Enough of percent-encoding for a JSON query value.
fn percent_encode(text: &str) -> String {
    text.bytes()
        .map(|byte| match byte {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (byte as char).to_string()
            }
            other => format!("%{other:02X}"),
        })
        .collect()
}
