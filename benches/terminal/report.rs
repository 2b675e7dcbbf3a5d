//! The figures: printed as a table, and recorded for BENCHMARKS.md.

use std::time::Duration;

use crate::common::stats::{median, ms, percentile};
use crate::idle::Memory;
use crate::{BIG_FILE_BYTES, CAT_RUNS, IDLE_ENVIRONMENTS, IDLE_TERMINALS, SAMPLES, WARMUP};

pub fn report(echoes: &[Vec<Duration>], throughput: &[Vec<f64>], memory: &anyhow::Result<Memory>) {
    let labels = [
        "sandboxd terminal, binary",
        "sandboxd terminal, JSON",
        "raw docker exec attach",
    ];
    println!();
    println!("keystroke round trip, {SAMPLES} samples each, interleaved");
    println!("{:<34} {:>10} {:>10}", "", "p50", "p99");
    for (label, series) in labels.iter().zip(echoes) {
        println!(
            "{label:<34} {:>8.3}ms {:>8.3}ms",
            ms(percentile(series, 50)),
            ms(percentile(series, 99))
        );
    }
    let overhead =
        |index: usize, p: usize| ms(percentile(&echoes[index], p)) - ms(percentile(&echoes[2], p));
    println!(
        "{:<34} {:>8.3}ms {:>8.3}ms",
        "overhead, binary",
        overhead(0, 50),
        overhead(0, 99)
    );
    println!(
        "{:<34} {:>8.3}ms {:>8.3}ms",
        "overhead, JSON",
        overhead(1, 50),
        overhead(1, 99)
    );

    println!();
    println!("cat of a {BIG_FILE_BYTES}-byte file, MB/s of the file, {CAT_RUNS} runs each");
    println!("{:<34} {:>10} {:>10} {:>10}", "", "median", "min", "max");
    for (label, series) in labels.iter().zip(throughput) {
        println!(
            "{label:<34} {:>10.1} {:>10.1} {:>10.1}",
            median(series),
            series[0],
            series[series.len() - 1]
        );
    }
    let raw = median(&throughput[2]);
    let (binary, text) = (median(&throughput[0]) / raw, median(&throughput[1]) / raw);
    println!("{:<34} {:>9.0}%", "binary / raw", binary * 100.0);
    println!("{:<34} {:>9.0}%", "JSON / raw", text * 100.0);

    println!();
    let growth = match memory {
        Ok(memory) => Some(report_memory(memory)),
        Err(err) => {
            println!("idle terminals: the phase failed: {err:#}");
            None
        }
    };

    let p50 = overhead(0, 50);
    let line = |name: &str, target: &str, value: String, pass: bool| {
        let verdict = if pass { "PASS" } else { "MISS" };
        println!("{name:<38} {target:<14} {value:>12}   {verdict}");
    };
    println!();
    println!("{:<38} {:<14} {:>12}   result", "target", "", "measured");
    line(
        "keystroke overhead p50, binary",
        "<= 1 ms",
        format!("{p50:.3} ms"),
        p50 <= 1.0,
    );
    let p50_json = overhead(1, 50);
    line(
        "keystroke overhead p50, JSON",
        "<= 1 ms",
        format!("{p50_json:.3} ms"),
        p50_json <= 1.0,
    );
    line(
        "cat throughput, binary vs raw",
        ">= 80 %",
        format!("{:.0} %", binary * 100.0),
        binary >= 0.8,
    );
    line(
        "cat throughput, JSON vs raw",
        ">= 80 %",
        format!("{:.0} %", text * 100.0),
        text >= 0.8,
    );
    match (memory, growth) {
        (Ok(memory), Some(growth)) => line(
            &format!("RSS growth, {} idle terminals", memory.opened),
            "< 100 MB",
            format!("{growth:.1} MB"),
            growth < 100.0 && memory.opened == IDLE_TERMINALS,
        ),
        _ => line(
            &format!("RSS growth, {IDLE_TERMINALS} idle terminals"),
            "< 100 MB",
            "failed".into(),
            false,
        ),
    }
}

/// The figures for the report, as `report` printed them.
pub fn record(
    echoes: &[Vec<Duration>],
    throughput: &[Vec<f64>],
    memory: &anyhow::Result<Memory>,
) -> anyhow::Result<()> {
    use crate::common::results::{Figure, Results};
    let mut results = Results::new(
        "terminal",
        "browser terminal against a raw docker exec attach to the same container",
    );
    let raw = |p: usize| ms(percentile(&echoes[2], p));
    for (index, mode) in [(0, "binary"), (1, "JSON")] {
        let p50 = ms(percentile(&echoes[index], 50));
        results.push(
            Figure::new(&format!("keystroke echo p50, {mode}"), "ms", p50)
                .against("raw exec attach", raw(50))
                .target("overhead <= 1 ms", p50 - raw(50) <= 1.0),
        );
        results.push(
            Figure::new(
                &format!("keystroke echo p99, {mode}"),
                "ms",
                ms(percentile(&echoes[index], 99)),
            )
            .against("raw exec attach", raw(99)),
        );
    }
    let raw_rate = median(&throughput[2]);
    for (index, mode) in [(0, "binary"), (1, "JSON")] {
        let rate = median(&throughput[index]);
        results.push(
            Figure::new(&format!("cat of 100 MB, {mode}"), "MB/s", rate)
                .against("raw exec attach", raw_rate)
                .target(">= 80 % of raw", rate >= 0.8 * raw_rate),
        );
    }
    let idle = match memory {
        Ok(m) => Figure::new(
            &format!("RSS growth, {IDLE_TERMINALS} idle terminals"),
            "MB",
            m.held.mb() - m.before.mb(),
        ),
        Err(_) => Figure::new(
            &format!("RSS growth, {IDLE_TERMINALS} idle terminals: failed"),
            "MB",
            0.0,
        ),
    };
    let met = memory
        .as_ref()
        .is_ok_and(|m| m.opened == IDLE_TERMINALS && m.held.mb() - m.before.mb() < 100.0);
    results.push(idle.target("< 100 MB", met));
    results.note(format!(
        "keystrokes: {SAMPLES} samples per side after {WARMUP} warm-up, interleaved; cat: \
         median of {CAT_RUNS} runs per side; the server is a separate sandboxd serve process"
    ));
    match memory {
        Ok(memory) => results.note(format!(
            "{} of {IDLE_TERMINALS} idle terminals opened over {IDLE_ENVIRONMENTS} environments; \
             server RSS {:.1} MB before, {:.1} MB holding them; {} still held 60 s after their \
             clients left",
            memory.opened,
            memory.before.mb(),
            memory.held.mb(),
            memory.left_open
        )),
        Err(err) => results.note(format!("the idle terminals phase failed: {err:#}")),
    }
    results.finish()
}

/// Prints the memory section; returns the growth in MB.
fn report_memory(memory: &Memory) -> f64 {
    println!(
        "server with {} idle terminals (of {IDLE_TERMINALS} asked for; opened in {:.1} s)",
        memory.opened,
        memory.open_time.as_secs_f64()
    );
    println!(
        "{:<34} {:>10} {:>10} {:>10}",
        "", "RSS MB", "threads", "open fds"
    );
    for (label, sample) in [
        ("before", memory.before),
        ("holding them", memory.held),
        ("after closing them", memory.after_close),
    ] {
        println!(
            "{label:<34} {:>10.1} {:>10} {:>10}",
            sample.mb(),
            sample.threads,
            sample.fds
        );
    }
    let growth = memory.held.mb() - memory.before.mb();
    println!(
        "{:<34} {:>10.1} ({:.1} KB per terminal)",
        "growth",
        growth,
        growth * 1024.0 / memory.opened.max(1) as f64
    );
    println!(
        "{:<34} {:>10}",
        "shells the server held", memory.held_by_server
    );
    println!(
        "{:<34} {:>10}",
        "shells left 60 s after closing", memory.left_open
    );
    if let Some(first) = memory.failures.first() {
        println!(
            "{} terminals failed to open; the first: {first}",
            memory.failures.len()
        );
        // With the engine's userns-remap every container's root is the same host uid, and
        // runc gives each exec a session keyring: that uid's kernel key quota caps how many
        // exec sessions (terminals among them) live at once, host-wide.
        let maxkeys = std::fs::read_to_string("/proc/sys/kernel/keys/maxkeys").unwrap_or_default();
        let maxbytes =
            std::fs::read_to_string("/proc/sys/kernel/keys/maxbytes").unwrap_or_default();
        println!(
            "note: kernel.keys.maxkeys={} maxbytes={}; if the engine's log says \"unable to \
             create session key: disk quota exceeded\", raise them (sysctl -w \
             kernel.keys.maxkeys=4000 kernel.keys.maxbytes=400000)",
            maxkeys.trim(),
            maxbytes.trim()
        );
    }
    growth
}
