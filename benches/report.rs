//! `cargo bench --bench report`: gathers the results the other benchmarks left under
//! `target/bench/` into BENCHMARKS.md and the chart it shows, docs/benchmarks.png.

#[path = "report/chart.rs"]
mod chart;
mod common;

use chart::draw;

use std::fmt::Write as _;
use std::path::PathBuf;

use anyhow::Context;
use common::results::{self, Results};

/// The benchmarks `make bench` runs, in the order the report lists them.
const BENCHES: [(&str, &str); 11] = [
    ("provision", "make bench-provision"),
    ("pool", "cargo bench --bench pool"),
    ("pause", "cargo bench --bench pause"),
    ("fork", "cargo bench --bench fork"),
    ("terminal", "make bench-terminal"),
    ("clients", "make bench-clients"),
    ("fleet", "cargo bench --bench fleet"),
    ("placement", "cargo bench --bench placement"),
    ("fanout", "cargo bench --bench fanout"),
    ("footprint", "cargo bench --bench footprint"),
    ("preview", "cargo bench --bench preview"),
];
const CHART: &str = "docs/benchmarks.png";
/// Debian's fonts-dejavu-core; BENCH_FONT names another TrueType file.
const FONTS: [&str; 2] = [
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/TTF/DejaVuSans.ttf",
];

fn main() -> anyhow::Result<()> {
    // Test runners that list every target (`--list`) get nothing: this is a benchmark.
    if std::env::args().any(|arg| arg == "--list") {
        return Ok(());
    }
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let mut found = Vec::new();
    let mut missing = Vec::new();
    for (bench, command) in BENCHES {
        let path = results::dir().join(format!("{bench}.json"));
        match std::fs::read_to_string(&path) {
            Ok(text) => found.push(
                serde_json::from_str::<Results>(&text)
                    .with_context(|| format!("reading {}", path.display()))?,
            ),
            Err(_) => missing.push(command),
        }
    }
    let chart = root.join(CHART);
    std::fs::create_dir_all(chart.parent().expect("the chart has a folder"))?;
    draw(&chart, &found)?;
    let markdown = markdown(&found, &missing);
    std::fs::write(root.join("BENCHMARKS.md"), &markdown)?;
    println!("{markdown}");
    eprintln!("==> wrote BENCHMARKS.md and {CHART}");
    Ok(())
}

fn markdown(found: &[Results], missing: &[&str]) -> String {
    let mut md = String::new();
    let date = chrono::Utc::now().format("%Y-%m-%d %H:%M UTC");
    let _ = writeln!(md, "# Benchmarks\n");
    let _ = writeln!(
        md,
        "Written by `make bench` on {date}, on a machine with {}. Every figure was measured in \
         the same run as its baseline, alternating between the two where the benchmark allows, \
         because a shared machine is noisy; figures are medians unless they say otherwise. \
         Ratio is ours over the baseline's: below 1 is better for times, above 1 for rates.\n",
        machine()
    );
    let _ = writeln!(
        md,
        "![sandboxd against its baselines](docs/benchmarks.png)\n"
    );
    let _ = writeln!(
        md,
        "| benchmark | figure | sandboxd | baseline | ratio | target | met |"
    );
    let _ = writeln!(md, "| --- | --- | ---: | --- | ---: | --- | --- |");
    let mut misses = Vec::new();
    for results in found {
        for figure in &results.figures {
            let baseline = figure.baseline.as_ref().map_or("—".to_string(), |b| {
                format!("{} {}", value(b.value, &figure.unit), b.name)
            });
            let ratio = figure
                .ratio()
                .map_or("—".to_string(), |r| format!("{r:.2}"));
            let met = match figure.met {
                Some(true) => "met",
                Some(false) => {
                    misses.push(format!("{}: {}", results.bench, figure.name));
                    "**not met**"
                }
                None => "",
            };
            let _ = writeln!(
                md,
                "| {} | {} | {} | {baseline} | {ratio} | {} | {met} |",
                results.bench,
                figure.name,
                value(figure.value, &figure.unit),
                figure.target.as_deref().unwrap_or("—"),
            );
        }
    }
    for command in missing {
        misses.push(format!("`{command}` did not finish, so it has no figures"));
        let _ = writeln!(
            md,
            "| {command} | failed: no results | | | | | **not met** |"
        );
    }
    let _ = writeln!(md);
    if misses.is_empty() {
        let _ = writeln!(md, "Every target is met.\n");
    } else {
        let _ = writeln!(md, "Targets not met in this run:\n");
        for miss in &misses {
            let _ = writeln!(md, "- {miss}");
        }
        let _ = writeln!(md);
    }
    let _ = writeln!(md, "## How each was measured\n");
    for results in found {
        let _ = writeln!(md, "### {}: {}\n", results.bench, results.title);
        for note in &results.notes {
            let _ = writeln!(md, "- {note}");
        }
        let _ = writeln!(md);
    }
    let _ = writeln!(
        md,
        "The sources are in `benches/`; `make bench` runs them all and rewrites this page."
    );
    md
}

fn value(value: f64, unit: &str) -> String {
    let digits = if value.abs() >= 100.0 {
        0
    } else {
        1 + usize::from(value.abs() < 1.0)
    };
    format!("{value:.digits$} {unit}")
}

fn ratio_text(ratio: f64) -> String {
    if ratio >= 100.0 {
        format!("{ratio:.0}")
    } else {
        format!("{ratio:.2}")
    }
}

/// Cores, CPU model and memory, from /proc.
fn machine() -> String {
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let model = cpuinfo
        .lines()
        .find_map(|line| line.strip_prefix("model name"))
        .and_then(|rest| rest.split_once(':'))
        .map_or("unknown CPU".to_string(), |(_, model)| {
            model.trim().to_string()
        });
    let meminfo = std::fs::read_to_string("/proc/meminfo").unwrap_or_default();
    let memory_kb: f64 = meminfo
        .lines()
        .find_map(|line| line.strip_prefix("MemTotal:"))
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|kb| kb.parse().ok())
        .unwrap_or(0.0);
    let kernel = std::fs::read_to_string("/proc/sys/kernel/osrelease").unwrap_or_default();
    format!(
        "{cores} cores ({model}) and {:.1} GB of memory, Linux {}",
        memory_kb / 1024.0 / 1024.0,
        kernel.trim()
    )
}
