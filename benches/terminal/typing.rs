//! The active phases: keystroke round trips and `cat` throughput, the sides interleaved.

use std::time::{Duration, Instant};

use anyhow::ensure;

use crate::term::{contains, Term};
use crate::{BIG_FILE_BYTES, CAT_RUNS, LINE_LENGTH, MARKER, OUTPUT_WITHIN, SAMPLES, WARMUP};

/// Round trips per terminal, in the order given, each sorted.
pub async fn keystrokes(terms: &mut [&mut Term]) -> anyhow::Result<Vec<Vec<Duration>>> {
    let mut samples = vec![Vec::with_capacity(SAMPLES); terms.len()];
    for round in 0..WARMUP + SAMPLES {
        if round % LINE_LENGTH == 0 {
            for term in terms.iter_mut() {
                term.send(b"\x15").await?;
                term.drain(Duration::from_millis(50)).await?;
            }
        }
        // Rotate who goes first, so neither side always follows the other.
        for turn in 0..terms.len() {
            let index = (round + turn) % terms.len();
            let elapsed = keystroke(terms[index]).await?;
            if round >= WARMUP {
                samples[index].push(elapsed);
            }
        }
    }
    for term in terms.iter_mut() {
        term.send(b"\x15").await?;
        term.drain(Duration::from_millis(100)).await?;
    }
    for series in &mut samples {
        series.sort();
    }
    Ok(samples)
}

async fn keystroke(term: &mut Term) -> anyhow::Result<Duration> {
    let started = Instant::now();
    term.send(b"a").await?;
    loop {
        let chunk = term.recv_within(Duration::from_secs(5)).await?;
        if chunk.contains(&b'a') {
            return Ok(started.elapsed());
        }
    }
}

/// MB/s of the file per terminal, in the order given: every run's, sorted.
pub async fn cat_runs(terms: &mut [&mut Term]) -> anyhow::Result<Vec<Vec<f64>>> {
    let mut rates = vec![Vec::new(); terms.len()];
    for run in 0..CAT_RUNS {
        for turn in 0..terms.len() {
            let index = (run + turn) % terms.len();
            let (elapsed, received) = cat(terms[index]).await?;
            let rate = BIG_FILE_BYTES as f64 / 1e6 / elapsed.as_secs_f64();
            eprintln!(
                "    run {} {:<28} {:>7.1} MB/s ({received} bytes in {:.2} s)",
                run + 1,
                terms[index].label(),
                rate,
                elapsed.as_secs_f64()
            );
            rates[index].push(rate);
        }
    }
    for series in &mut rates {
        series.sort_by(f64::total_cmp);
    }
    Ok(rates)
}

/// Types the command, reads until the computed marker: the time, and the bytes received.
async fn cat(term: &mut Term) -> anyhow::Result<(Duration, u64)> {
    term.send(b"\x15").await?;
    term.drain(Duration::from_millis(200)).await?;
    let started = Instant::now();
    // The typed echo says END-$((40+2)); only the shell's answer says END-42.
    term.send(b"cat /tmp/big; echo END-$((40+2))\r").await?;
    let mut received = 0u64;
    let mut tail: Vec<u8> = Vec::new();
    loop {
        let chunk = term.recv_within(OUTPUT_WITHIN).await?;
        received += chunk.len() as u64;
        // Only the newest bytes are searched: the marker straddles at most two chunks.
        tail.extend_from_slice(&chunk[chunk.len().saturating_sub(256)..]);
        if contains(&tail, MARKER) {
            let elapsed = started.elapsed();
            term.drain(Duration::from_millis(200)).await?;
            ensure!(
                received >= BIG_FILE_BYTES,
                "{}: the marker came after only {received} bytes",
                term.label()
            );
            return Ok((elapsed, received));
        }
        let keep = tail.len().saturating_sub(MARKER.len());
        tail.drain(..keep);
    }
}
