//! WebSockets to the API (`/ws/events`, `/ws/terminal/...`, `/ws/port-forward/...`).

use bytes::Bytes;
use futures_util::stream::{SplitSink, SplitStream};
use futures_util::{SinkExt, StreamExt};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::http::{HeaderValue, StatusCode};
use tokio_tungstenite::tungstenite::{Error as WsError, Message};
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

use super::ClientError;

type Stream = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// What arrives on a socket, without the protocol's own frames.
#[derive(Debug)]
pub enum SocketMessage {
    Text(String),
    Binary(Bytes),
}

pub struct Socket {
    sink: SplitSink<Stream, Message>,
    stream: SplitStream<Stream>,
}

/// The sending half, for a task of its own.
pub struct SocketSender(SplitSink<Stream, Message>);
/// The receiving half.
pub struct SocketReceiver(SplitStream<Stream>);

impl Socket {
    pub(super) async fn connect(
        base: &str,
        path: &str,
        token: Option<&str>,
    ) -> Result<Self, ClientError> {
        let url = format!("{}{path}", websocket_base(base));
        let mut request = url
            .as_str()
            .into_client_request()
            .map_err(|err| ClientError::Usage(format!("{url}: {err}")))?;
        if let Some(token) = token {
            let value = HeaderValue::from_str(&format!("Bearer {token}"))
                .map_err(|_| ClientError::Usage("the token is not a valid header".into()))?;
            request.headers_mut().insert("Authorization", value);
        }
        let (stream, _) = tokio_tungstenite::connect_async(request)
            .await
            .map_err(refused)?;
        let (sink, stream) = stream.split();
        Ok(Self { sink, stream })
    }

    pub async fn send_text(&mut self, text: String) -> Result<(), ClientError> {
        self.sink.send(Message::text(text)).await.map_err(broken)
    }

    pub async fn send_binary(&mut self, bytes: Bytes) -> Result<(), ClientError> {
        self.sink.send(Message::binary(bytes)).await.map_err(broken)
    }

    /// The next text or binary message; `None` once the socket closed.
    pub async fn next(&mut self) -> Option<Result<SocketMessage, ClientError>> {
        next_message(&mut self.stream).await
    }

    pub async fn close(&mut self) {
        let _ = self.sink.send(Message::Close(None)).await;
    }

    pub fn split(self) -> (SocketSender, SocketReceiver) {
        (SocketSender(self.sink), SocketReceiver(self.stream))
    }
}

impl SocketSender {
    pub async fn send_text(&mut self, text: String) -> Result<(), ClientError> {
        self.0.send(Message::text(text)).await.map_err(broken)
    }

    pub async fn send_binary(&mut self, bytes: Bytes) -> Result<(), ClientError> {
        self.0.send(Message::binary(bytes)).await.map_err(broken)
    }

    pub async fn close(&mut self) {
        let _ = self.0.send(Message::Close(None)).await;
    }
}

impl SocketReceiver {
    pub async fn next(&mut self) -> Option<Result<SocketMessage, ClientError>> {
        next_message(&mut self.0).await
    }
}

async fn next_message(
    stream: &mut SplitStream<Stream>,
) -> Option<Result<SocketMessage, ClientError>> {
    loop {
        match stream.next().await? {
            Ok(Message::Text(text)) => return Some(Ok(SocketMessage::Text(text.to_string()))),
            Ok(Message::Binary(bytes)) => return Some(Ok(SocketMessage::Binary(bytes))),
            Ok(Message::Close(_)) => return None,
            Ok(_) => continue,
            Err(WsError::ConnectionClosed | WsError::AlreadyClosed) => return None,
            Err(err) => return Some(Err(broken(err))),
        }
    }
}

fn websocket_base(base: &str) -> String {
    match base.strip_prefix("https://") {
        Some(rest) => format!("wss://{rest}"),
        None => format!("ws://{}", base.trim_start_matches("http://")),
    }
}

/// A refused upgrade carries the API's error body; anything else is the connection's.
fn refused(err: WsError) -> ClientError {
    match err {
        WsError::Http(response) => {
            let status = response.status();
            let body: serde_json::Value = response
                .body()
                .as_deref()
                .and_then(|body| serde_json::from_slice(body).ok())
                .unwrap_or_default();
            let text = |key: &str| body.get(key).and_then(|v| v.as_str()).map(str::to_string);
            ClientError::Api {
                status: reqwest::StatusCode::from_u16(status.as_u16())
                    .unwrap_or(reqwest::StatusCode::BAD_GATEWAY),
                code: text("code").unwrap_or_else(|| "HTTP_ERROR".into()),
                message: text("error").unwrap_or_else(|| {
                    StatusCode::from_u16(status.as_u16())
                        .ok()
                        .and_then(|s| s.canonical_reason())
                        .unwrap_or("refused")
                        .to_string()
                }),
            }
        }
        other => broken(other),
    }
}

fn broken(err: WsError) -> ClientError {
    ClientError::Transport(format!("the connection broke: {err}"))
}

#[cfg(test)]
mod tests {
    use super::websocket_base;

    #[test]
    fn websocket_urls_follow_the_scheme() {
        assert_eq!(
            websocket_base("http://127.0.0.1:8080"),
            "ws://127.0.0.1:8080"
        );
        assert_eq!(
            websocket_base("https://sandboxd.example"),
            "wss://sandboxd.example"
        );
    }
}
