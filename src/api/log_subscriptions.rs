//! The log subscriptions of one /ws/events connection: `container.logs.subscribe` starts a
//! stream per environment, `container.logs.unsubscribe` or the connection's end stops it.

use std::collections::HashMap;
use std::sync::Arc;

use serde::Deserialize;
use serde_json::Value;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use crate::auth::{Principal, Scope};
use crate::environments::logs::{error_frame, LogRequest};
use crate::state::AppState;

/// Log frames waiting for the connection to send them.
const FRAME_QUEUE: usize = 256;
/// Log streams one connection may hold at once; each holds an engine log request open.
const PER_CONNECTION: usize = 16;

pub struct LogSubscriptions {
    state: Arc<AppState>,
    principal: Principal,
    frames: mpsc::Sender<String>,
    /// Cancelled when the connection ends; each subscription holds a child token.
    connection: CancellationToken,
    running: HashMap<String, CancellationToken>,
}

#[derive(Deserialize)]
struct Envelope {
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    data: Value,
}

impl LogSubscriptions {
    pub fn new(state: Arc<AppState>, principal: Principal) -> (Self, mpsc::Receiver<String>) {
        let (frames, receiver) = mpsc::channel(FRAME_QUEUE);
        let subscriptions = Self {
            state,
            principal,
            frames,
            connection: CancellationToken::new(),
            running: HashMap::new(),
        };
        (subscriptions, receiver)
    }

    /// Handles a client message if it is about logs; returns a frame to send back at once.
    pub async fn handle(&mut self, text: &str) -> Option<String> {
        let envelope: Envelope = serde_json::from_str(text).ok()?;
        let subscribe = match envelope.kind.as_str() {
            "container.logs.subscribe" => true,
            "container.logs.unsubscribe" => false,
            _ => return None,
        };
        let request: LogRequest = match serde_json::from_value(envelope.data) {
            Ok(request) => request,
            Err(err) => {
                let message =
                    format!("expected data {{containerId, tail, follow, timestamps}}: {err}");
                return Some(error_frame("", "INVALID_CONTAINER_ID", &message));
            }
        };
        if self.principal.require(Scope::Read).is_err() {
            return Some(error_frame(
                &request.container_id,
                "INSUFFICIENT_SCOPE",
                "needs the read scope",
            ));
        }
        let found = self
            .state
            .environments
            .records()
            .find(&self.principal, &request.container_id)
            .await;
        let Ok(row) = found else {
            return Some(error_frame(
                &request.container_id,
                "CONTAINER_NOT_FOUND",
                "Container not found",
            ));
        };
        let key = row.id.to_string();
        if let Some(previous) = self.running.remove(&key) {
            previous.cancel();
        }
        if subscribe {
            // Streams that ended (a tail without follow, a stopped container) free their place.
            self.running.retain(|_, stream| !stream.is_cancelled());
            if self.running.len() >= PER_CONNECTION {
                return Some(error_frame(
                    &request.container_id,
                    "TOO_MANY_SUBSCRIPTIONS",
                    &format!("at most {PER_CONNECTION} log subscriptions per connection"),
                ));
            }
            let cancel = self.connection.child_token();
            self.running.insert(key, cancel.clone());
            let logs = self.state.environments.logs();
            let frames = self.frames.clone();
            tokio::spawn(async move {
                logs.stream(row, request, frames, cancel.clone()).await;
                cancel.cancel();
            });
        }
        None
    }
}

impl Drop for LogSubscriptions {
    fn drop(&mut self) {
        self.connection.cancel();
    }
}
