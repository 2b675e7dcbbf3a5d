//! The side-by-side table, the results file the report reads, and the verdict.

use crate::common::results::{Figure, Results};
use crate::measure::{Figures, Side};
use crate::{
    ADDED_P50_MS, BIG_BYTES, CONNECTIONS, DOWNLOADS, LATENCY_ROUNDS, PER_ROUND, THROUGHPUT_ROUNDS,
    THROUGHPUT_RUN, THROUGHPUT_SHARE, WARMUP,
};

/// Prints the table and writes the results, then fails when a target is missed, so `make
/// bench` reports it after the figures are in BENCHMARKS.md.
pub fn report(sides: &[Side], figures: &[Figures]) -> anyhow::Result<()> {
    let (direct, previews) = figures.split_first().expect("the direct side comes first");
    let big = format!("{} MB download", BIG_BYTES / 1_000_000);
    let small_rate = format!("small GET, {CONNECTIONS} connections");
    let share = format!(">= {:.0} % of direct", THROUGHPUT_SHARE * 100.0);
    let added_target = format!("added <= {ADDED_P50_MS} ms");

    let mut results = Results::new(
        "preview",
        "HTTP to a port of an environment: through the preview, against straight to its address",
    );
    let mut missed = Vec::new();
    println!();
    println!("preview against direct, Python's file server in a python environment");
    println!(
        "{:<34} {:>12} {:>12} {:>14}  {:<20} result",
        "", "direct", "preview", "added / share", "target"
    );
    for (side, preview) in sides[1..].iter().zip(previews) {
        println!("through the preview, {}", side.name);
        let added = preview.p50_ms - direct.p50_ms;
        let rows = [
            (
                "small GET p50",
                "ms",
                direct.p50_ms,
                preview.p50_ms,
                Some((added_target.as_str(), added <= ADDED_P50_MS)),
            ),
            ("small GET p95", "ms", direct.p95_ms, preview.p95_ms, None),
            (
                small_rate.as_str(),
                "req/s",
                direct.requests_per_second,
                preview.requests_per_second,
                Some((
                    share.as_str(),
                    preview.requests_per_second >= THROUGHPUT_SHARE * direct.requests_per_second,
                )),
            ),
            (
                big.as_str(),
                "MB/s",
                direct.download_mb_per_second,
                preview.download_mb_per_second,
                Some((
                    share.as_str(),
                    preview.download_mb_per_second
                        >= THROUGHPUT_SHARE * direct.download_mb_per_second,
                )),
            ),
        ];
        for (name, unit, straight, through, target) in rows {
            let change = if unit == "ms" {
                format!("{:+.3} ms", through - straight)
            } else {
                format!("{:.0} %", through / straight * 100.0)
            };
            let digits = if unit == "ms" { 3 } else { 0 };
            let verdict = target.map_or("", |(_, met)| if met { "PASS" } else { "MISS" });
            println!(
                "  {name:<32} {:>12} {:>12} {change:>14}  {:<20} {verdict}",
                format!("{straight:.digits$} {unit}"),
                format!("{through:.digits$} {unit}"),
                target.map_or("-", |(text, _)| text),
            );
            let mut figure = Figure::new(&format!("{name}, {}", side.name), unit, through)
                .against("direct", straight);
            if let Some((text, met)) = target {
                figure = figure.target(text, met);
                if !met {
                    missed.push(format!("{name}, {}", side.name));
                }
            }
            results.push(figure);
        }
        results.note(format!(
            "{}: p50 {:+.3} ms over direct (p95 {:+.3} ms); small GETs per second {:.0} % of \
             direct (runs: {} against {}); download {:.0} % of direct (runs, MB/s: {} against {})",
            side.name,
            added,
            preview.p95_ms - direct.p95_ms,
            preview.requests_per_second / direct.requests_per_second * 100.0,
            list(&preview.runs_per_second),
            list(&direct.runs_per_second),
            preview.download_mb_per_second / direct.download_mb_per_second * 100.0,
            list(&preview.downloads),
            list(&direct.downloads),
        ));
    }
    results.note(format!(
        "a python environment runs Python's own file server (http.server's \
         SimpleHTTPRequestHandler in a ThreadingHTTPServer, HTTP/1.1 keep-alive) serving a \
         100-byte file and a {BIG_BYTES}-byte one; direct is the benchmark connecting to the \
         environment's address on its owner's network, as the server's proxy does; the preview \
         is the server's own address with the Host `{{port}}-{{id}}.preview.localhost`, either \
         for a port made public or for a private one with the owner's session token in \
         X-Sandboxd-Preview-Token"
    ));
    results.note(format!(
        "latency: one keep-alive connection per side, {WARMUP} warm-up GETs then \
         {LATENCY_ROUNDS} rounds of {PER_ROUND} sequential GETs per side, the side that goes \
         first rotating each round; requests per second: {CONNECTIONS} closed-loop keep-alive \
         connections, {THROUGHPUT_ROUNDS} rotating {}-second runs per side after a 1-second \
         warm-up, the median run; download: one warm-up then {DOWNLOADS} rotating downloads per \
         side on one connection, read as it arrives, the median; the client, the server and \
         the environment share the machine's cores",
        THROUGHPUT_RUN.as_secs()
    ));
    results.finish()?;
    // As the other benchmarks do: a miss is reported (here and in BENCHMARKS.md), and the
    // run goes on to the next benchmark.
    if !missed.is_empty() {
        println!("==> targets missed: {}", missed.join("; "));
    }
    Ok(())
}

fn list(values: &[f64]) -> String {
    values
        .iter()
        .map(|value| format!("{value:.0}"))
        .collect::<Vec<_>>()
        .join(", ")
}
