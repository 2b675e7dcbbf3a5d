//! Large files stream through: a 200 MB upload and download must not grow the process (the
//! API server runs inside the test process) by anything near their size.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use futures_util::StreamExt;
use reqwest::Method;
use serde_json::Value;

use super::{call, files_url, run};
use crate::support::app::spawn_app;
use crate::support::provisioning::user_with_environment;

const SIZE: u64 = 200 * 1024 * 1024;
const CHUNK: usize = 256 * 1024;
/// What the server may add while 200 MB pass through it.
const ALLOWED_GROWTH: u64 = 40 * 1024 * 1024;

fn rss() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let line = status.lines().find(|l| l.starts_with("VmRSS:")).unwrap();
    let kb: u64 = line.split_whitespace().nth(1).unwrap().parse().unwrap();
    kb * 1024
}

/// The highest RSS seen until the returned flag is set.
fn sample_peak() -> (Arc<AtomicU64>, Arc<AtomicU64>) {
    let peak = Arc::new(AtomicU64::new(rss()));
    let stop = Arc::new(AtomicU64::new(0));
    let (p, s) = (peak.clone(), stop.clone());
    tokio::spawn(async move {
        while s.load(Ordering::SeqCst) == 0 {
            p.fetch_max(rss(), Ordering::SeqCst);
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    });
    (peak, stop)
}

fn byte_at(i: u64) -> u8 {
    (i % 251) as u8
}

#[tokio::test]
async fn a_200_mb_upload_and_download_stream_without_growing_the_server() {
    let app = spawn_app().await;
    let (token, id) = user_with_environment(&app, "bulky").await;
    // Warm up the paths once, so first-use allocations do not count as growth.
    super::put_raw(&app, &token, &id, "/tmp/warm", vec![0; CHUNK]).await;
    call(&app, Method::GET, &token, &id, "", &[("path", "/tmp/warm")])
        .await
        .bytes()
        .await
        .unwrap();

    let baseline = rss();
    let (peak, stop) = sample_peak();
    let chunks = futures_util::stream::iter(0..SIZE / CHUNK as u64).map(|n| {
        let start = n * CHUNK as u64;
        Ok::<_, std::io::Error>(
            (start..start + CHUNK as u64)
                .map(byte_at)
                .collect::<Vec<u8>>(),
        )
    });
    let response = app
        .request(Method::POST, &files_url(&id, ""), Some(&token))
        .query(&[("path", "/tmp/big.bin")])
        .header("Content-Type", "application/octet-stream")
        .header("Content-Length", SIZE.to_string())
        .body(reqwest::Body::wrap_stream(chunks))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let uploaded: Value = response.json().await.unwrap();
    assert_eq!(uploaded["size"], SIZE);
    let upload_growth = peak.load(Ordering::SeqCst).saturating_sub(baseline);

    let response = call(
        &app,
        Method::GET,
        &token,
        &id,
        "",
        &[("path", "/tmp/big.bin")],
    )
    .await;
    assert_eq!(
        response.headers()["content-length"],
        SIZE.to_string().as_str()
    );
    let mut body = response.bytes_stream();
    let mut at = 0u64;
    let mut mismatches = 0u64;
    while let Some(chunk) = body.next().await {
        for byte in chunk.unwrap() {
            mismatches += u64::from(byte != byte_at(at));
            at += 1;
        }
    }
    stop.store(1, Ordering::SeqCst);
    assert_eq!((at, mismatches), (SIZE, 0));
    let growth = peak.load(Ordering::SeqCst).saturating_sub(baseline);
    eprintln!(
        "RSS growth: upload {} KB, upload and download {} KB",
        upload_growth / 1024,
        growth / 1024
    );
    assert!(
        growth < ALLOWED_GROWTH,
        "the process grew by {growth} bytes"
    );
    let size = run(&app, &token, &id, &["stat", "-c", "%s", "/tmp/big.bin"]).await;
    assert_eq!(size.trim(), SIZE.to_string());
}
