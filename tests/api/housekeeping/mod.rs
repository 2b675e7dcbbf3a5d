//! Expiry, idle stop and reconciliation, on a fast housekeeping clock.

use std::time::{Duration, Instant};

use serde_json::Value;

use crate::support::app::{spawn_app_with, TestApp};
use crate::support::ws;

/// How long one stop or removal may take on a busy engine: the sweeps act at once, but the
/// engine's answer can lag by tens of seconds when the whole suite runs on two cores.
pub const ENGINE_SLACK: Duration = Duration::from_secs(60);

pub async fn fast_app() -> TestApp {
    spawn_app_with(|s| s.housekeeping_every = Duration::from_millis(300)).await
}

async fn wait_for(
    app: &TestApp,
    token: &str,
    id: &str,
    within: Duration,
    done: impl Fn(u16, &Value) -> bool,
) -> Value {
    let deadline = Instant::now() + within;
    loop {
        let (status, body) = app.container(token, id).await;
        if done(status, &body) {
            return body;
        }
        assert!(Instant::now() < deadline, "still {status} {body}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

async fn frame_of(socket: &mut ws::Socket, kind: &str, within: Duration) -> Value {
    let deadline = tokio::time::Instant::now() + within;
    loop {
        let left = deadline.saturating_duration_since(tokio::time::Instant::now());
        let frame = ws::next_json(socket, left)
            .await
            .unwrap_or_else(|| panic!("no {kind}"));
        if frame["type"] == kind {
            return frame;
        }
    }
}

mod expiry;
mod networks;
mod paused;
mod reconciler;
