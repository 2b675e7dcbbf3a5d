//! Event fan-out through Redis pub/sub, so a client connected to any API process sees what a
//! worker anywhere did. Each process holds one subscription and hands each event to the
//! local subscribers of the user it concerns.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use crate::broker::kv::Kv;
use crate::model::{EnvironmentId, ProgressEvent, UserId, PROGRESS};
use serde::{Deserialize, Serialize};
use tokio::sync::broadcast;
use tokio_util::sync::CancellationToken;

/// An event as subscribers receive it: the frame clients are sent, serialised once by the
/// publisher, and, for a progress event, where it says provisioning stands, so a connection
/// can put it in order without parsing the frame again.
#[derive(Debug)]
pub struct Event {
    pub frame: Box<str>,
    pub progress: Option<ProgressMark>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProgressMark {
    pub environment: EnvironmentId,
    pub progress: i32,
}

pub type Frame = Arc<Event>;

const PER_USER_BUFFER: usize = 256;

#[derive(Clone)]
pub struct EventBus {
    kv: Kv,
    channel: String,
    subscribers: Arc<Mutex<HashMap<UserId, broadcast::Sender<Frame>>>>,
}

/// The first line of a message on the channel; the frame follows the newline as it is.
#[derive(Serialize, Deserialize)]
struct Header {
    user_id: UserId,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    progress: Option<ProgressMark>,
}

#[derive(Serialize)]
struct OutgoingFrame<'a, T: ?Sized> {
    #[serde(rename = "type")]
    kind: &'a str,
    data: &'a T,
}

impl EventBus {
    pub fn new(kv: Kv) -> Self {
        Self {
            channel: kv.key("events"),
            kv,
            subscribers: Arc::default(),
        }
    }

    /// `{"type": kind, "data": data}`, as clients receive every event.
    pub fn frame<T: Serialize + ?Sized>(kind: &str, data: &T) -> String {
        serde_json::to_string(&OutgoingFrame { kind, data }).expect("an event serialises")
    }

    /// Sends an event to every process; only `user_id`'s connections receive it.
    pub async fn publish<T: Serialize + ?Sized>(
        &self,
        user_id: UserId,
        kind: &str,
        data: &T,
    ) -> redis::RedisResult<()> {
        self.send(user_id, None, Self::frame(kind, data)).await
    }

    pub async fn publish_progress(
        &self,
        user_id: UserId,
        event: &ProgressEvent,
    ) -> redis::RedisResult<()> {
        let mark = ProgressMark {
            environment: event.id,
            progress: event.progress,
        };
        self.send(user_id, Some(mark), Self::frame(PROGRESS, event))
            .await
    }

    async fn send(
        &self,
        user_id: UserId,
        progress: Option<ProgressMark>,
        frame: String,
    ) -> redis::RedisResult<()> {
        let header = Header { user_id, progress };
        let mut payload = serde_json::to_string(&header).expect("a header serialises");
        payload.push('\n');
        payload.push_str(&frame);
        let mut connection = self.kv.connection().await?;
        let _: i64 = redis::cmd("PUBLISH")
            .arg(&self.channel)
            .arg(payload)
            .query_async(&mut connection)
            .await?;
        Ok(())
    }

    pub fn subscribe(&self, user_id: UserId) -> Subscription {
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

    /// Relays events from Redis to local subscribers until `shutdown`.
    pub async fn run(self, shutdown: CancellationToken) {
        let heard = |payload: String| {
            let Some((header, frame)) = payload.split_once('\n') else {
                return;
            };
            let Ok(header) = serde_json::from_str::<Header>(header) else {
                return;
            };
            let event = Event {
                frame: frame.into(),
                progress: header.progress,
            };
            self.deliver(header.user_id, Arc::new(event));
        };
        super::channel::listen(&self.kv, &self.channel, heard, shutdown).await;
    }

    fn deliver(&self, user_id: UserId, frame: Frame) {
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
    user_id: UserId,
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
