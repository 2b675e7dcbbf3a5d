//! The same requests to every side, in rounds that rotate which side goes first, so a burst
//! of noise on the shared machine lands on all of them rather than on one.

use std::time::{Duration, Instant};

use anyhow::{anyhow, ensure, Context};
use bytes::Bytes;
use http_body_util::{BodyExt, Empty};
use hyper::client::conn::http1::SendRequest;

use crate::common::load::{self, Target};
use crate::common::stats::{median, ms, percentile};
use crate::{
    BIG_BYTES, CONNECTIONS, DOWNLOADS, LATENCY_ROUNDS, PER_ROUND, SMALL_BYTES, THROUGHPUT_ROUNDS,
    THROUGHPUT_RUN, WARMUP,
};

/// One way to the environment's server: straight to its address, or through the preview.
pub struct Side {
    pub name: &'static str,
    pub small: Target,
    pub big: Target,
}

/// What one side measured.
#[derive(Default)]
pub struct Figures {
    pub p50_ms: f64,
    pub p95_ms: f64,
    pub requests_per_second: f64,
    pub download_mb_per_second: f64,
    pub runs_per_second: Vec<f64>,
    pub downloads: Vec<f64>,
}

/// The sides in the order round `round` takes them.
fn rotation(count: usize, round: usize) -> impl Iterator<Item = usize> {
    (0..count).map(move |index| (index + round) % count)
}

/// Latency of one small GET after another on one keep-alive connection per side.
pub async fn latencies(sides: &[Side], figures: &mut [Figures]) -> anyhow::Result<()> {
    let mut senders = Vec::new();
    for side in sides {
        let mut sender = load::open(&side.small.endpoint)
            .await
            .with_context(|| format!("connecting, {}", side.name))?;
        for _ in 0..WARMUP {
            small(&mut sender, &side.small)
                .await
                .with_context(|| format!("small GET, {}", side.name))?;
        }
        senders.push(sender);
    }
    let mut samples = vec![Vec::with_capacity(LATENCY_ROUNDS * PER_ROUND); sides.len()];
    for round in 0..LATENCY_ROUNDS {
        for index in rotation(sides.len(), round) {
            for _ in 0..PER_ROUND {
                let latency = small(&mut senders[index], &sides[index].small)
                    .await
                    .with_context(|| format!("small GET, {}", sides[index].name))?;
                samples[index].push(latency);
            }
        }
    }
    for (samples, figures) in samples.iter_mut().zip(figures.iter_mut()) {
        samples.sort();
        figures.p50_ms = ms(percentile(samples, 50));
        figures.p95_ms = ms(percentile(samples, 95));
    }
    Ok(())
}

async fn small(
    sender: &mut SendRequest<Empty<Bytes>>,
    target: &Target,
) -> anyhow::Result<Duration> {
    let request = load::request(target)?;
    let started = Instant::now();
    sender
        .ready()
        .await
        .context("the server closed the keep-alive connection between requests")?;
    let response = sender.send_request(request).await?;
    let status = response.status();
    let body = response.into_body().collect().await?.to_bytes();
    let elapsed = started.elapsed();
    ensure!(
        status == 200 && body.len() as u64 == SMALL_BYTES,
        "{} answered {status} with {} bytes: {}",
        target.path,
        body.len(),
        String::from_utf8_lossy(&body[..body.len().min(300)])
    );
    Ok(elapsed)
}

/// Requests per second with [`CONNECTIONS`] closed-loop connections per side.
pub async fn throughput(sides: &[Side], figures: &mut [Figures]) -> anyhow::Result<()> {
    for side in sides {
        load::run(&side.small, CONNECTIONS, Duration::from_secs(1))
            .await
            .with_context(|| format!("small GETs, {}", side.name))?;
    }
    for round in 0..THROUGHPUT_ROUNDS {
        for index in rotation(sides.len(), round) {
            let run = load::run(&sides[index].small, CONNECTIONS, THROUGHPUT_RUN)
                .await
                .with_context(|| format!("small GETs, {}", sides[index].name))?;
            ensure!(
                run.last_body.len() as u64 == SMALL_BYTES,
                "{}: {} bytes",
                sides[index].name,
                run.last_body.len()
            );
            figures[index].runs_per_second.push(run.per_second());
        }
    }
    for figures in figures.iter_mut() {
        figures.requests_per_second = median(&figures.runs_per_second);
    }
    Ok(())
}

/// MB/s of the whole big file, read as it arrives (never held whole), one download after
/// another on one connection per side; the first of each only warms up.
pub async fn downloads(sides: &[Side], figures: &mut [Figures]) -> anyhow::Result<()> {
    let mut senders = Vec::new();
    for side in sides {
        let mut sender = load::open(&side.big.endpoint)
            .await
            .with_context(|| format!("connecting, {}", side.name))?;
        download(&mut sender, &side.big)
            .await
            .with_context(|| format!("download, {}", side.name))?;
        senders.push(sender);
    }
    for round in 0..DOWNLOADS {
        for index in rotation(sides.len(), round) {
            let rate = download(&mut senders[index], &sides[index].big)
                .await
                .with_context(|| format!("download, {}", sides[index].name))?;
            figures[index].downloads.push(rate);
        }
    }
    for figures in figures.iter_mut() {
        figures.download_mb_per_second = median(&figures.downloads);
    }
    Ok(())
}

async fn download(sender: &mut SendRequest<Empty<Bytes>>, target: &Target) -> anyhow::Result<f64> {
    let request = load::request(target)?;
    let started = Instant::now();
    sender
        .ready()
        .await
        .context("the server closed the keep-alive connection between requests")?;
    let response = sender.send_request(request).await?;
    let status = response.status();
    ensure!(status == 200, "{} answered {status}", target.path);
    let mut body = response.into_body();
    let mut received = 0u64;
    while let Some(frame) = body.frame().await {
        let frame = frame.map_err(|err| anyhow!("reading {}: {err}", target.path))?;
        if let Some(data) = frame.data_ref() {
            received += data.len() as u64;
        }
    }
    let elapsed = started.elapsed();
    ensure!(
        received == BIG_BYTES,
        "{} gave {received} of {BIG_BYTES} bytes",
        target.path
    );
    Ok(received as f64 / 1e6 / elapsed.as_secs_f64())
}
