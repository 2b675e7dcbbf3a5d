//! A terminal client for the tests: opens `/ws/terminal/{id}`, types, and reads the screen.

use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use serde_json::{json, Value};
use tokio_tungstenite::tungstenite::Message;

use super::app::TestApp;
use super::ws::{self, Socket};

pub const OUTPUT_WITHIN: Duration = Duration::from_secs(10);

pub struct Terminal {
    pub socket: Socket,
    /// The `connected` frame.
    pub hello: Value,
    /// Everything the shell printed so far, decoded as text.
    pub screen: String,
    /// The `exit` frame, once the shell ended.
    pub exit: Option<Value>,
}

impl Terminal {
    pub async fn open(app: &TestApp, token: &str, id: &str, query: &str) -> Terminal {
        let path = format!("/ws/terminal/{id}?token={token}&{query}");
        let mut socket = ws::connect(app, &path).await.expect("terminal connects");
        let hello = ws::next_json(&mut socket, OUTPUT_WITHIN)
            .await
            .expect("a connected frame");
        assert_eq!(hello["type"], "connected", "{hello}");
        Terminal {
            socket,
            hello,
            screen: String::new(),
            exit: None,
        }
    }

    pub async fn send_json(&mut self, frame: Value) {
        self.socket
            .send(Message::text(frame.to_string()))
            .await
            .expect("frame sent");
    }

    pub async fn type_line(&mut self, line: &str) {
        self.send_json(json!({"type": "input", "data": format!("{line}\n")}))
            .await;
    }

    /// Reads output until the screen contains `needle`; panics with the screen otherwise.
    pub async fn read_until(&mut self, needle: &str) -> &str {
        let deadline = tokio::time::Instant::now() + OUTPUT_WITHIN;
        while !self.screen.contains(needle) {
            let message = tokio::time::timeout_at(deadline, self.socket.next())
                .await
                .unwrap_or_else(|_| panic!("no {needle:?} on screen: {:?}", self.screen));
            match message {
                Some(Ok(message)) => self.take(message),
                other => panic!(
                    "connection ended before {needle:?}: {other:?}; screen {:?}",
                    self.screen
                ),
            }
        }
        &self.screen
    }

    /// Reads until the server closes; returns the close frame's code.
    pub async fn read_until_closed(&mut self) -> Option<u16> {
        let deadline = tokio::time::Instant::now() + OUTPUT_WITHIN;
        loop {
            let message = tokio::time::timeout_at(deadline, self.socket.next())
                .await
                .expect("the server closes the connection");
            match message {
                Some(Ok(Message::Close(frame))) => return frame.map(|f| u16::from(f.code)),
                Some(Ok(message)) => self.take(message),
                _ => return None,
            }
        }
    }

    fn take(&mut self, message: Message) {
        match message {
            Message::Binary(bytes) => self.screen.push_str(&String::from_utf8_lossy(&bytes)),
            Message::Text(text) => {
                let frame: Value = serde_json::from_str(text.as_str()).expect("JSON frame");
                match frame["type"].as_str() {
                    Some("output") => self.screen.push_str(frame["data"].as_str().unwrap()),
                    Some("exit") => self.exit = Some(frame),
                    _ => {}
                }
            }
            _ => {}
        }
    }

    pub async fn close(mut self) {
        let _ = self.socket.close(None).await;
    }
}
