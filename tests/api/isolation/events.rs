//! A /ws/events connection held open through the whole matrix, recording every frame, so that
//! what each tenant was sent (progress, lifecycle, log lines) can be checked for leaks.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures_util::stream::SplitSink;
use futures_util::{SinkExt, StreamExt};
use serde_json::json;
use tokio::task::JoinHandle;
use tokio_tungstenite::tungstenite::Message;

use super::rules::Caller;
use super::world::World;
use crate::support::ws::{self, Socket};

pub struct Listener {
    pub caller: Caller,
    sink: SplitSink<Socket, Message>,
    frames: Arc<Mutex<Vec<String>>>,
    /// What this connection sent: error frames may echo it.
    pub sent: String,
    reader: JoinHandle<()>,
}

impl Listener {
    pub async fn open(world: &World, caller: Caller) -> Listener {
        let socket = ws::events(&world.app, world.credential(caller).unwrap()).await;
        let (sink, mut stream) = socket.split();
        let frames = Arc::new(Mutex::new(Vec::new()));
        let recorded = frames.clone();
        let reader = tokio::spawn(async move {
            while let Some(Ok(message)) = stream.next().await {
                if let Message::Text(text) = message {
                    recorded.lock().unwrap().push(text.to_string());
                }
            }
        });
        Listener {
            caller,
            sink,
            frames,
            sent: String::new(),
            reader,
        }
    }

    /// Asks to follow an environment's log by `reference`.
    pub async fn subscribe_logs(&mut self, reference: &str) {
        let frame = json!({"type": "container.logs.subscribe",
                           "data": {"containerId": reference, "tail": 100, "follow": true}});
        self.sent.push_str(&frame.to_string());
        self.sink
            .send(Message::text(frame.to_string()))
            .await
            .expect("subscription sent");
    }

    pub fn frames(&self) -> Vec<String> {
        self.frames.lock().unwrap().clone()
    }

    /// Waits until some frame contains `needle`.
    pub async fn wait_for(&self, needle: &str) -> bool {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
        while tokio::time::Instant::now() < deadline {
            if self.frames().iter().any(|frame| frame.contains(needle)) {
                return true;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        false
    }

    pub async fn close(mut self) -> Vec<String> {
        let _ = self.sink.close().await;
        tokio::time::sleep(Duration::from_millis(200)).await;
        self.reader.abort();
        self.frames()
    }
}
