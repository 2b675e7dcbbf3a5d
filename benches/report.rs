//! `cargo bench --bench report`: gathers the results the other benchmarks left under
//! `target/bench/` into BENCHMARKS.md and the chart it shows, docs/benchmarks.png.

mod common;

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{anyhow, Context};
use common::results::{self, Figure, Results};
use plotters::prelude::*;

/// The benchmarks `make bench` runs, in the order the report lists them.
const BENCHES: [(&str, &str); 5] = [
    ("provision", "make bench-provision"),
    ("terminal", "make bench-terminal"),
    ("fleet", "cargo bench --bench fleet"),
    ("fanout", "cargo bench --bench fanout"),
    ("footprint", "cargo bench --bench footprint"),
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

/// A bar per figure that has a baseline: ours over the baseline's, on a log scale around 1,
/// green where its target is met, red where it is not, grey where it has none.
fn draw(path: &Path, found: &[Results]) -> anyhow::Result<()> {
    load_font()?;
    let bars: Vec<(String, f64, Option<bool>)> = found
        .iter()
        .flat_map(|results| results.figures.iter())
        .filter_map(|figure: &Figure| {
            let ratio = figure.ratio().filter(|r| *r > 0.0)?;
            let label = format!("{} (vs {})", figure.name, figure.baseline.as_ref()?.name);
            Some((label, ratio, figure.met))
        })
        .collect();
    let count = bars.len().max(1);
    let low = bars.iter().map(|b| b.1).fold(1.0, f64::min) / 1.6;
    // Room on the right for the last label.
    let high = bars.iter().map(|b| b.1).fold(1.0, f64::max) * 4.0;

    let height = 110 + 34 * count as u32;
    let root = BitMapBackend::new(path, (1400, height)).into_drawing_area();
    root.fill(&WHITE).map_err(draw_error)?;
    let mut chart = ChartBuilder::on(&root)
        .caption(
            "sandboxd / baseline, measured in the same run (log scale)",
            ("sans-serif", 22),
        )
        .margin(16)
        .x_label_area_size(36)
        .y_label_area_size(560)
        .build_cartesian_2d((low..high).log_scale(), (0..count).into_segmented())
        .map_err(draw_error)?;
    chart
        .configure_mesh()
        .disable_y_mesh()
        .y_labels(count)
        .y_label_style(("sans-serif", 14))
        .x_label_style(("sans-serif", 14))
        .x_label_formatter(&|x| format!("{x:.2}x"))
        .y_label_formatter(&|y| match y {
            // The first figure on top.
            SegmentValue::CenterOf(row) if *row < count => bars
                .get(count - 1 - *row)
                .map_or(String::new(), |bar| bar.0.clone()),
            _ => String::new(),
        })
        .draw()
        .map_err(draw_error)?;
    chart
        .draw_series(bars.iter().enumerate().map(|(index, (_, ratio, met))| {
            let row = count - 1 - index;
            let color = match met {
                Some(true) => RGBColor(46, 160, 67),
                Some(false) => RGBColor(207, 34, 46),
                None => RGBColor(130, 130, 130),
            };
            let mut bar = Rectangle::new(
                [
                    (1.0, SegmentValue::Exact(row)),
                    (*ratio, SegmentValue::Exact(row + 1)),
                ],
                color.filled(),
            );
            bar.set_margin(6, 6, 0, 0);
            bar
        }))
        .map_err(draw_error)?;
    chart
        .draw_series(bars.iter().enumerate().map(|(index, (_, ratio, _))| {
            Text::new(
                format!(" {}x", ratio_text(*ratio)),
                (ratio.max(1.0), SegmentValue::CenterOf(count - 1 - index)),
                ("sans-serif", 14),
            )
        }))
        .map_err(draw_error)?;
    chart
        .draw_series(std::iter::once(PathElement::new(
            vec![
                (1.0, SegmentValue::Exact(0)),
                (1.0, SegmentValue::Exact(count)),
            ],
            BLACK.stroke_width(1),
        )))
        .map_err(draw_error)?;
    root.present().map_err(draw_error)?;
    Ok(())
}

/// Text is drawn with a TrueType font read at run time: no fontconfig, no system library.
fn load_font() -> anyhow::Result<()> {
    let candidates = std::env::var("BENCH_FONT")
        .into_iter()
        .chain(FONTS.iter().map(|path| path.to_string()));
    for path in candidates {
        if let Ok(bytes) = std::fs::read(&path) {
            // plotters keeps fonts for the life of the process.
            let bytes: &'static [u8] = Box::leak(bytes.into_boxed_slice());
            return plotters::style::register_font("sans-serif", FontStyle::Normal, bytes)
                .map_err(|_| anyhow!("{path} is not a TrueType font"));
        }
    }
    Err(anyhow!(
        "no font for the chart: install Debian's fonts-dejavu-core, or set BENCH_FONT to a .ttf"
    ))
}

fn draw_error<E: std::fmt::Debug>(err: E) -> anyhow::Error {
    anyhow!("drawing the chart: {err:?}")
}
