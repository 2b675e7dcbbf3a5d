//! `cargo bench --bench fanout`: one user's `/ws/events` with 10,000 subscribers.
//!
//! A `container_progress` event is published the way the server's workers publish one (the
//! server's own `EventBus`, through its Redis channel); what is timed is from just before the
//! publish until each subscriber has read the frame. The baseline is the same event to a
//! single subscriber, in the same run. The server's resident memory is read before the
//! subscribers connect and while they are held.

mod common;

use std::time::{Duration, Instant};

use anyhow::{anyhow, bail, ensure};
use common::results::{Figure, Results};
use common::server::{raise_open_files, Server};
use common::sockets::open_many;
use common::stage::{only_listing, Stage};
use common::stats::{median, ms, percentile, rss_mb};
use futures_util::StreamExt;
use sandboxd::broker::events::EventBus;
use sandboxd::broker::kv::Kv;
use sandboxd::config::Settings;
use sandboxd::model::PROGRESS;
use serde_json::{json, Value};
use tokio::net::TcpStream;
use tokio::sync::mpsc;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

const SUBSCRIBERS: usize = 10_000;
const OPEN_CONCURRENCY: usize = 64;
const EVENTS: usize = 5;
const DELIVERY_WITHIN: Duration = Duration::from_secs(10);

type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;
/// Which event a subscriber read, and when.
type Receipt = (usize, Instant);

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    if only_listing() {
        return Ok(());
    }
    // Each subscriber is a socket on both ends; the server inherits the limit.
    raise_open_files(65_536)?;
    let stage = Stage::start("fanout", &[]).await?;
    let outcome = run(&stage.settings, &stage.server).await;
    stage.finish(outcome).await
}

async fn run(settings: &Settings, server: &Server) -> anyhow::Result<()> {
    server.wait_ready(Duration::from_millis(50)).await?;
    let token = server.admin_token().await?;
    let url = format!("ws://127.0.0.1:{}/ws/events?token={token}", server.port);
    let bus = EventBus::new(Kv::new(&settings.redis_url, &server.prefix)?);
    let (_probe, hello) = connect(&url).await?;
    let user_id: uuid::Uuid = serde_json::from_value(hello["data"]["user_id"].clone())?;

    eprintln!("==> one subscriber: {EVENTS} events ...");
    let (sender, mut receipts) = mpsc::unbounded_channel();
    let (single, _) = connect(&url).await?;
    let holder = tokio::spawn(hold(single, sender));
    let mut alone = Vec::new();
    for event in 0..EVENTS {
        let latencies = publish(&bus, user_id, event, 1, &mut receipts).await?;
        alone.push(latencies[0]);
    }
    holder.abort();
    let alone_ms = median(&alone.iter().map(|d| ms(*d)).collect::<Vec<_>>());

    tokio::time::sleep(Duration::from_secs(1)).await;
    let before = rss_mb(server.pid())?;
    eprintln!("==> opening {SUBSCRIBERS} subscribers, {OPEN_CONCURRENCY} at a time ...");
    let (sender, mut receipts) = mpsc::unbounded_channel();
    let (sockets, failures, open_time) = open_many(SUBSCRIBERS, OPEN_CONCURRENCY, |_| async {
        connect(&url).await.map(|(socket, _)| socket)
    })
    .await;
    let holders: Vec<_> = sockets
        .into_iter()
        .map(|socket| tokio::spawn(hold(socket, sender.clone())))
        .collect();
    let held = holders.len();
    eprintln!(
        "    {held} open in {:.1} s, {} failed{}",
        open_time.as_secs_f64(),
        failures.len(),
        failures
            .first()
            .map_or(String::new(), |first| format!("; the first: {first}"))
    );
    tokio::time::sleep(Duration::from_secs(2)).await;
    let holding = rss_mb(server.pid())?;

    eprintln!("==> {EVENTS} events to {held} subscribers ...");
    let mut p50s = Vec::new();
    let mut p99s = Vec::new();
    let mut maxes = Vec::new();
    let mut missed = 0;
    for event in 0..EVENTS {
        let latencies = publish(&bus, user_id, event, held, &mut receipts).await?;
        missed += held - latencies.len();
        let (p50, p99) = (
            ms(percentile(&latencies, 50)),
            ms(percentile(&latencies, 99)),
        );
        let max = ms(*latencies.last().expect("at least one receipt"));
        eprintln!(
            "    event {}: {} of {held} in {max:.1} ms (p50 {p50:.1} ms, p99 {p99:.1} ms)",
            event + 1,
            latencies.len()
        );
        p50s.push(p50);
        p99s.push(p99);
        maxes.push(max);
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    let after = rss_mb(server.pid())?;
    for holder in holders {
        holder.abort();
    }

    let complete = held == SUBSCRIBERS && missed == 0;
    let mut results = Results::new(
        "fanout",
        "one progress event to 10,000 /ws/events subscribers of one user",
    );
    results.push(
        Figure::new("event to 10,000 subscribers, p50", "ms", median(&p50s))
            .against("one subscriber", alone_ms),
    );
    results.push(
        Figure::new("event to 10,000 subscribers, p99", "ms", median(&p99s))
            .against("one subscriber", alone_ms),
    );
    let max = median(&maxes);
    results.push(
        Figure::new("event to 10,000 subscribers, all (max)", "ms", max)
            .against("one subscriber", alone_ms)
            .target("< 500 ms", complete && max < 500.0),
    );
    let growth = holding - before;
    results.push(
        Figure::new("server RSS growth, 10,000 subscribers", "MB", growth)
            .target("< 300 MB", held == SUBSCRIBERS && growth < 300.0),
    );
    results.note(format!(
        "{held} of {SUBSCRIBERS} subscribers opened ({} failed) in {:.1} s; server RSS {before:.1} \
         MB before, {holding:.1} MB holding them, {after:.1} MB after the events; {missed} \
         deliveries missed within {} s",
        failures.len(),
        open_time.as_secs_f64(),
        DELIVERY_WITHIN.as_secs()
    ));
    results.note(format!(
        "latencies are medians over {EVENTS} events, each published through the server's own \
         EventBus on its Redis channel and timed from just before the publish to each \
         subscriber's read of the frame; the subscribers are tasks of one client process on the \
         same machine"
    ));
    results.finish()
}

/// Publishes event number `event` and waits for `expected` receipts of it; the latencies seen,
/// sorted (fewer than `expected` if some did not arrive in time).
async fn publish(
    bus: &EventBus,
    user_id: uuid::Uuid,
    event: usize,
    expected: usize,
    receipts: &mut mpsc::UnboundedReceiver<Receipt>,
) -> anyhow::Result<Vec<Duration>> {
    let data = json!({
        "id": uuid::Uuid::new_v4(),
        "name": format!("bench-event-{event}"),
        "stage": "configuring",
        "message": "Applying the shell configuration",
        "progress": 90,
    });
    let published = Instant::now();
    bus.publish(user_id.into(), PROGRESS, &data)
        .await
        .map_err(|err| anyhow!("publish: {err}"))?;
    let deadline = tokio::time::Instant::from_std(published + DELIVERY_WITHIN);
    let mut latencies = Vec::with_capacity(expected);
    while latencies.len() < expected {
        match tokio::time::timeout_at(deadline, receipts.recv()).await {
            Ok(Some((seen, at))) if seen == event => latencies.push(at - published),
            Ok(Some(_)) => {}
            Ok(None) => bail!("every subscriber is gone"),
            Err(_) => break,
        }
    }
    ensure!(!latencies.is_empty(), "no subscriber read event {event}");
    latencies.sort();
    Ok(latencies)
}

/// Opens a subscription; the socket and its `connected` frame.
async fn connect(url: &str) -> anyhow::Result<(Socket, Value)> {
    let (mut socket, _) = tokio_tungstenite::connect_async(url).await?;
    let hello = tokio::time::timeout(Duration::from_secs(30), socket.next())
        .await
        .map_err(|_| anyhow!("no connected frame within 30 s"))?
        .ok_or_else(|| anyhow!("closed before the connected frame"))??;
    let hello: Value = match hello {
        Message::Text(text) => serde_json::from_str(text.as_str())?,
        other => bail!("expected the connected frame, got {other:?}"),
    };
    ensure!(hello["type"] == "connected", "expected connected: {hello}");
    Ok((socket, hello))
}

/// Reads the subscription (which also answers the server's pings) and reports each bench
/// event the moment its frame is read.
async fn hold(mut socket: Socket, receipts: mpsc::UnboundedSender<Receipt>) {
    while let Some(Ok(message)) = socket.next().await {
        let Message::Text(text) = message else {
            continue;
        };
        let at = Instant::now();
        let Ok(frame) = serde_json::from_str::<Value>(text.as_str()) else {
            continue;
        };
        let event = frame["data"]["name"]
            .as_str()
            .and_then(|name| name.strip_prefix("bench-event-"))
            .and_then(|n| n.parse().ok());
        if let (Some(PROGRESS), Some(event)) = (frame["type"].as_str(), event) {
            if receipts.send((event, at)).is_err() {
                return;
            }
        }
    }
}
