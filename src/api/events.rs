//! `GET /ws/events`: the caller's events over a WebSocket: provisioning progress first as it
//! stands now, then as it happens.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use actix_web::{web, HttpRequest, HttpResponse};
use actix_ws::{CloseCode, CloseReason, Message};
use futures_util::StreamExt;
use serde_json::json;
use tokio::sync::broadcast::error::RecvError;

use super::error::ErrorBody;
use super::log_subscriptions::LogSubscriptions;
use crate::auth::{Principal, Scope};
use crate::broker::events::{Event, EventBus};
use crate::connections::Registered;
use crate::error::ApiError;
use crate::model::{EnvironmentId, PROGRESS};
use crate::state::AppState;

const HEARTBEAT: Duration = Duration::from_secs(20);
const CLIENT_TIMEOUT: Duration = Duration::from_secs(60);
const MAX_FRAME: usize = 64 * 1024;

/// Upgrades to a WebSocket of `{type, data}` frames: `connected`, `container_progress`,
/// `container.<action>.completed|failed`, and logs after the client sends
/// `{"type": "container.logs.subscribe", "data": {"containerId", "tail", "follow", "timestamps"}}`.
/// Authenticate with `Authorization: Bearer` or `?token=`.
#[utoipa::path(get, path = "/ws/events", tag = "events", security(("bearer" = [])),
    params(("token" = Option<String>, Query, description = "The bearer token, for clients that cannot set headers")),
    responses(
        (status = 101, description = "Switching to the WebSocket protocol"),
        (status = 400, description = "Not a WebSocket handshake", body = ErrorBody),
        (status = 401, body = ErrorBody),
    ))]
pub async fn events(
    state: web::Data<AppState>,
    principal: Principal,
    req: HttpRequest,
    body: web::Payload,
) -> actix_web::Result<HttpResponse> {
    principal.require(Scope::Read).map_err(ApiError::from)?;
    let registered = state
        .connections
        .register(principal.id(), principal.revocation())
        .map_err(ApiError::from)?;
    let (response, session, messages) = actix_ws::handle(&req, body)?;
    let messages = messages.max_frame_size(MAX_FRAME);
    actix_web::rt::spawn(serve(
        state.into_inner(),
        principal,
        registered,
        session,
        messages,
    ));
    Ok(response)
}

async fn serve(
    state: std::sync::Arc<AppState>,
    principal: Principal,
    registered: Registered,
    mut session: actix_ws::Session,
    mut messages: actix_ws::MessageStream,
) {
    let mut subscription = state.environments.subscribe(principal.id());
    let (mut logs, mut log_frames) = LogSubscriptions::new(state.clone(), principal.clone());
    let connected = EventBus::frame("connected", &json!({ "user_id": principal.id() }));
    if session.text(connected).await.is_err() {
        return;
    }
    let Ok(mut snapshot) = send_current_stages(&state, &principal, &mut session).await else {
        return;
    };
    let mut heartbeat = tokio::time::interval(HEARTBEAT);
    let mut last_heard = Instant::now();
    let close = loop {
        tokio::select! {
            received = subscription.receiver.recv() => match received {
                Ok(event) => {
                    if snapshot.is_stale(&event) { continue }
                    if session.text(&*event.frame).await.is_err() { return }
                }
                // A slow client skips events rather than growing a queue without bound.
                Err(RecvError::Lagged(skipped)) => tracing::debug!(skipped, "events client lagging"),
                Err(RecvError::Closed) => break None,
            },
            Some(frame) = log_frames.recv() => if session.text(frame).await.is_err() { return },
            message = messages.next() => match message {
                Some(Ok(Message::Ping(bytes))) => {
                    last_heard = Instant::now();
                    if session.pong(&bytes).await.is_err() { return }
                }
                Some(Ok(Message::Text(text))) => {
                    last_heard = Instant::now();
                    let reply = if is_ping(&text) {
                        Some(EventBus::frame("pong", &json!({})))
                    } else {
                        logs.handle(&text).await
                    };
                    if let Some(reply) = reply {
                        if session.text(reply).await.is_err() { return }
                    }
                }
                Some(Ok(Message::Close(reason))) => break reason,
                Some(Ok(_)) => last_heard = Instant::now(),
                Some(Err(_)) | None => return,
            },
            _ = heartbeat.tick() => {
                if last_heard.elapsed() > CLIENT_TIMEOUT {
                    break Some(CloseReason { code: CloseCode::Away, description: Some("idle".into()) });
                }
                if session.ping(b"").await.is_err() { return }
            }
            _ = state.shutdown.cancelled() => {
                break Some(CloseReason { code: CloseCode::Away, description: Some("server shutting down".into()) });
            }
            _ = registered.closed.cancelled() => {
                break Some(CloseReason { code: CloseCode::Policy, description: Some("credentials revoked".into()) });
            }
        }
    };
    let _ = session.close(close).await;
}

fn is_ping(text: &str) -> bool {
    serde_json::from_str::<serde_json::Value>(text).is_ok_and(|value| value["type"] == "ping")
}

/// A client that connects late learns at once where each of its environments stands.
async fn send_current_stages(
    state: &AppState,
    principal: &Principal,
    session: &mut actix_ws::Session,
) -> Result<Snapshot, actix_ws::Closed> {
    let mut snapshot = Snapshot::default();
    let Ok(current) = state
        .environments
        .records()
        .current_progress(principal.id())
        .await
    else {
        return Ok(snapshot);
    };
    for event in current {
        snapshot.progress.insert(event.id, event.progress);
        session.text(EventBus::frame(PROGRESS, &event)).await?;
    }
    Ok(snapshot)
}

/// What the first frames said. The subscription starts before the snapshot is read, so events
/// published in between arrive after it though they are older: those are dropped, so a client
/// never sees a stage go backwards. Such events arrive within the relay's latency, so the
/// snapshot is consulted only for [`SNAPSHOT_OVERLAP`]; after that no live frame is parsed.
struct Snapshot {
    progress: HashMap<EnvironmentId, i32>,
    until: Instant,
}

/// Far longer than an event takes from Redis to this connection.
const SNAPSHOT_OVERLAP: Duration = Duration::from_secs(2);

impl Default for Snapshot {
    fn default() -> Self {
        Self {
            progress: HashMap::new(),
            until: Instant::now() + SNAPSHOT_OVERLAP,
        }
    }
}

impl Snapshot {
    fn is_stale(&mut self, event: &Event) -> bool {
        if self.progress.is_empty() {
            return false;
        }
        if Instant::now() >= self.until {
            self.progress = HashMap::new();
            return false;
        }
        let Some(mark) = event.progress else {
            return false;
        };
        let Some(&seen) = self.progress.get(&mark.environment) else {
            return false;
        };
        if mark.progress < seen {
            return true;
        }
        // Caught up: what follows for this environment is live.
        self.progress.remove(&mark.environment);
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::broker::events::ProgressMark;

    fn progress(id: EnvironmentId, progress: i32) -> Event {
        Event {
            frame: "{}".into(),
            progress: Some(ProgressMark {
                environment: id,
                progress,
            }),
        }
    }

    #[test]
    fn events_older_than_the_snapshot_are_dropped_until_it_is_caught_up() {
        let (a, b) = (EnvironmentId::random(), EnvironmentId::random());
        let mut snapshot = Snapshot::default();
        snapshot.progress.insert(a, 50);
        assert!(snapshot.is_stale(&progress(a, 5)));
        assert!(snapshot.is_stale(&progress(a, 45)));
        assert!(!snapshot.is_stale(&progress(b, 5)));
        assert!(!snapshot.is_stale(&progress(a, 50)));
        // Once caught up, whatever follows for it passes.
        assert!(!snapshot.is_stale(&progress(a, 0)));
    }

    #[test]
    fn past_its_overlap_the_snapshot_is_let_go() {
        let a = EnvironmentId::random();
        let mut snapshot = Snapshot::default();
        snapshot.progress.insert(a, 50);
        snapshot.until = Instant::now();
        assert!(!snapshot.is_stale(&progress(a, 5)));
        assert!(snapshot.progress.is_empty());
    }

    #[test]
    fn events_without_progress_are_never_stale() {
        let mut snapshot = Snapshot::default();
        snapshot.progress.insert(EnvironmentId::random(), 50);
        let lifecycle = Event {
            frame: "{}".into(),
            progress: None,
        };
        assert!(!snapshot.is_stale(&lifecycle));
    }
}
