//! A small WebSocket client for the tests.

use std::time::Duration;

use futures_util::StreamExt;
use serde_json::Value;
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

use super::app::TestApp;

pub type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;

pub async fn connect(
    app: &TestApp,
    path_and_query: &str,
) -> Result<Socket, tokio_tungstenite::tungstenite::Error> {
    let url = format!("{}{path_and_query}", app.address.replacen("http", "ws", 1));
    tokio_tungstenite::connect_async(url)
        .await
        .map(|(socket, _)| socket)
}

pub async fn events(app: &TestApp, token: &str) -> Socket {
    let mut socket = connect(app, &format!("/ws/events?token={token}"))
        .await
        .expect("events connect");
    let hello = next_json(&mut socket, Duration::from_secs(5))
        .await
        .expect("connected frame");
    assert_eq!(hello["type"], "connected");
    socket
}

/// The next JSON text frame, or None when nothing arrives within `within`.
pub async fn next_json(socket: &mut Socket, within: Duration) -> Option<Value> {
    let deadline = tokio::time::Instant::now() + within;
    loop {
        let message = tokio::time::timeout_at(deadline, socket.next())
            .await
            .ok()??
            .ok()?;
        if let Message::Text(text) = message {
            return serde_json::from_str(text.as_str()).ok();
        }
    }
}

/// Collects progress frames for `id` until its stage is `last`; returns the stages seen.
pub async fn stages_until(
    socket: &mut Socket,
    id: &str,
    last: &str,
    within: Duration,
) -> Vec<String> {
    let deadline = tokio::time::Instant::now() + within;
    let mut stages: Vec<String> = Vec::new();
    loop {
        let left = deadline.saturating_duration_since(tokio::time::Instant::now());
        let frame = next_json(socket, left)
            .await
            .unwrap_or_else(|| panic!("no {last} for {id}; saw {stages:?}"));
        if frame["type"] != "container_progress" || frame["data"]["id"] != id {
            continue;
        }
        let stage = frame["data"]["stage"].as_str().unwrap().to_string();
        if stages.last() != Some(&stage) {
            stages.push(stage.clone());
        }
        if stage == last || stage == "error" {
            return stages;
        }
    }
}

/// The next frame of type `kind`, skipping others; panics after 30 s.
pub async fn notification(events: &mut Socket, kind: &str) -> Value {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    loop {
        let left = deadline.saturating_duration_since(tokio::time::Instant::now());
        let frame = next_json(events, left)
            .await
            .unwrap_or_else(|| panic!("no {kind}"));
        if frame["type"] == kind {
            return frame;
        }
    }
}
