//! Log subscriptions for /ws/events (Nekzus): `container.logs.started`, `container.logs`,
//! `container.logs.ended` and `container.logs.error` frames for one environment.

use futures_util::StreamExt;
use serde::Deserialize;
use serde_json::{json, Value};
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use crate::broker::events::EventBus;
use crate::model::engine_names::container_name;
use crate::model::Environment;

pub const DEFAULT_TAIL: u32 = 100;
pub const MAX_TAIL: u32 = 1000;
/// A log entry larger than this is skipped rather than sent.
pub const MAX_FRAME_BYTES: usize = 1024 * 1024;

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LogRequest {
    pub container_id: String,
    pub tail: Option<u32>,
    pub follow: Option<bool>,
    pub timestamps: Option<bool>,
}

service!(
    /// An environment's output, streamed to a /ws/events subscription.
    Logs
);

impl Logs {
    /// Streams the environment's logs as frames into `frames` until they end or `cancel`
    /// fires. `frames` is bounded: a slow client slows the stream down.
    pub async fn stream(
        &self,
        row: Environment,
        request: LogRequest,
        frames: mpsc::Sender<String>,
        cancel: CancellationToken,
    ) {
        let id = row.id.to_string();
        let tail = request.tail.unwrap_or(DEFAULT_TAIL).min(MAX_TAIL);
        let follow = request.follow.unwrap_or(true);
        let timestamps = request.timestamps.unwrap_or(false);
        let lines = match self.shared.fleet.runtime_for(&row).await {
            Ok(runtime) => {
                runtime
                    .logs(&container_name(row.id), Some(tail), follow, timestamps)
                    .await
            }
            Err(unreachable) => Err(unreachable.into()),
        };
        let mut lines = match lines {
            Ok(lines) => lines,
            Err(err) => {
                tracing::warn!(error = %err, container_id = %id, "logs could not be read");
                let _ = frames
                    .send(error_frame(
                        &id,
                        "CONTAINER_LOGS_FAILED",
                        err.public_message(),
                    ))
                    .await;
                return;
            }
        };
        if frames
            .send(frame("container.logs.started", &id, json!({})))
            .await
            .is_err()
        {
            return;
        }
        let reason = loop {
            let line = tokio::select! {
                line = lines.next() => line,
                _ = cancel.cancelled() => break "stopped",
            };
            match line {
                Some(Ok((stream, bytes))) => {
                    if bytes.len() > MAX_FRAME_BYTES {
                        tracing::debug!(container_id = %id, bytes = bytes.len(), "log entry skipped");
                        continue;
                    }
                    let message = String::from_utf8_lossy(&bytes);
                    let message = message.strip_suffix('\n').unwrap_or(&message);
                    let data = json!({"stream": stream.as_str(), "message": message});
                    if frames
                        .send(frame("container.logs", &id, data))
                        .await
                        .is_err()
                    {
                        return;
                    }
                }
                // With follow the stream ends when the container stops; without, after the tail.
                None if follow => break "container_stopped",
                None => break "stopped",
                Some(Err(err)) => {
                    tracing::warn!(error = %err, container_id = %id, "logs stopped");
                    let _ = frames
                        .send(error_frame(
                            &id,
                            "CONTAINER_LOGS_FAILED",
                            err.public_message(),
                        ))
                        .await;
                    break "error";
                }
            }
        };
        let _ = frames
            .send(frame(
                "container.logs.ended",
                &id,
                json!({"reason": reason}),
            ))
            .await;
    }
}

pub fn error_frame(container_id: &str, code: &str, message: &str) -> String {
    frame(
        "container.logs.error",
        container_id,
        json!({"error": code, "message": message}),
    )
}

fn frame(kind: &str, container_id: &str, mut data: Value) -> String {
    data["containerId"] = json!(container_id);
    data["timestamp"] = json!(chrono::Utc::now().timestamp());
    EventBus::frame(kind, &data)
}
