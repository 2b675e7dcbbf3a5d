//! Event fan-out through Redis pub/sub, so a client connected to any API process sees what a
//! worker anywhere did. Each process holds one subscription and hands each event to the
//! local subscribers of the user it concerns.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures_util::StreamExt;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use tokio::sync::broadcast;
use tokio_util::sync::CancellationToken;
use uuid::Uuid;

use crate::kv::Kv;

/// A frame as clients receive it: `{"type": ..., "data": ...}`, serialised once.
pub type Frame = Arc<str>;

const PER_USER_BUFFER: usize = 256;

#[derive(Clone)]
pub struct EventBus {
    kv: Kv,
    channel: String,
    subscribers: Arc<Mutex<HashMap<Uuid, broadcast::Sender<Frame>>>>,
}

#[derive(Serialize, Deserialize)]
struct Envelope {
    user_id: Uuid,
    frame: String,
}

impl EventBus {
    pub fn new(kv: Kv) -> Self {
        Self {
            channel: kv.key("events"),
            kv,
            subscribers: Arc::default(),
        }
    }

    pub fn frame(kind: &str, data: Value) -> String {
        serde_json::json!({ "type": kind, "data": data }).to_string()
    }

    /// Sends an event to every process; only `user_id`'s connections receive it.
    pub async fn publish(&self, user_id: Uuid, kind: &str, data: Value) -> redis::RedisResult<()> {
        let envelope = Envelope {
            user_id,
            frame: Self::frame(kind, data),
        };
        let payload = serde_json::to_string(&envelope).expect("an envelope serialises");
        let mut connection = self.kv.connection().await?;
        let _: i64 = redis::cmd("PUBLISH")
            .arg(&self.channel)
            .arg(payload)
            .query_async(&mut connection)
            .await?;
        Ok(())
    }

    pub fn subscribe(&self, user_id: Uuid) -> Subscription {
        let mut subscribers = self.subscribers.lock().expect("lock not poisoned");
        let sender = subscribers
            .entry(user_id)
            .or_insert_with(|| broadcast::channel(PER_USER_BUFFER).0);
        Subscription {
            receiver: sender.subscribe(),
            user_id,
            bus: self.clone(),
        }
    }

    /// Relays events from Redis to local subscribers until `shutdown`, reconnecting after a
    /// lost connection.
    pub async fn run(self, shutdown: CancellationToken) {
        loop {
            tokio::select! {
                _ = shutdown.cancelled() => return,
                outcome = self.relay() => {
                    if let Err(err) = outcome {
                        tracing::warn!(error = %err, "event subscription lost; reconnecting");
                    }
                }
            }
            tokio::select! {
                _ = shutdown.cancelled() => return,
                _ = tokio::time::sleep(Duration::from_millis(500)) => {}
            }
        }
    }

    async fn relay(&self) -> redis::RedisResult<()> {
        let mut pubsub = self.kv.pubsub().await?;
        pubsub.subscribe(&self.channel).await?;
        let mut messages = pubsub.on_message();
        while let Some(message) = messages.next().await {
            let Ok(payload) = message.get_payload::<String>() else {
                continue;
            };
            let Ok(envelope) = serde_json::from_str::<Envelope>(&payload) else {
                continue;
            };
            self.deliver(envelope.user_id, envelope.frame.into());
        }
        Err(redis::RedisError::from((
            redis::ErrorKind::IoError,
            "subscription closed",
        )))
    }

    fn deliver(&self, user_id: Uuid, frame: Frame) {
        let subscribers = self.subscribers.lock().expect("lock not poisoned");
        if let Some(sender) = subscribers.get(&user_id) {
            // No receivers left is not an error: the last one is leaving.
            let _ = sender.send(frame);
        }
    }

    /// Local subscribers, for the metrics.
    pub fn subscriber_count(&self) -> usize {
        let subscribers = self.subscribers.lock().expect("lock not poisoned");
        subscribers.values().map(|s| s.receiver_count()).sum()
    }
}

/// One connection's view of one user's events. Dropping it forgets the user's channel once
/// nobody else listens.
pub struct Subscription {
    pub receiver: broadcast::Receiver<Frame>,
    user_id: Uuid,
    bus: EventBus,
}

impl Drop for Subscription {
    fn drop(&mut self) {
        let mut subscribers = self.bus.subscribers.lock().expect("lock not poisoned");
        if let Some(sender) = subscribers.get(&self.user_id) {
            // Our own receiver is still alive while we are here.
            if sender.receiver_count() <= 1 {
                subscribers.remove(&self.user_id);
            }
        }
    }
}
