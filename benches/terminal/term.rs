//! One terminal, either side: sandboxd's WebSocket (binary or JSON frames) or a raw Docker
//! exec attach, behind the same send and receive.

use std::pin::Pin;
use std::time::Duration;

use anyhow::{anyhow, bail, ensure};
use bollard::container::LogOutput;
use bollard::exec::{CreateExecOptions, StartExecOptions, StartExecResults};
use bollard::query_parameters::ResizeExecOptions;
use bollard::Docker;
use bytes::Bytes;
use futures_util::{SinkExt, Stream, StreamExt};
use serde_json::{json, Value};
use tokio::io::{AsyncWrite, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

use crate::{COLS, OUTPUT_WITHIN, READ_CAPACITY, ROWS};

pub type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;

pub enum Term {
    WebSocket {
        socket: Box<Socket>,
        json: bool,
    },
    Raw {
        output: Pin<Box<dyn Stream<Item = Result<LogOutput, bollard::errors::Error>> + Send>>,
        input: Pin<Box<dyn AsyncWrite + Send>>,
    },
}

impl Term {
    pub async fn websocket(ws_base: &str, mode: &str) -> anyhow::Result<Term> {
        let (socket, hello) = open_websocket(&format!("{ws_base}&mode={mode}")).await?;
        ensure!(hello["type"] == "connected", "expected connected: {hello}");
        Ok(Term::WebSocket {
            socket: Box::new(socket),
            json: mode == "json",
        })
    }

    /// What sandboxd's terminal runs, minus sandboxd: a login shell on a TTY of the same size.
    pub async fn raw(docker: &Docker, container: &str) -> anyhow::Result<Term> {
        let created = docker
            .create_exec(
                container,
                CreateExecOptions {
                    cmd: Some(vec!["sh".to_string(), "-l".to_string()]),
                    env: Some(
                        ["TERM=xterm-256color", "COLORTERM=truecolor", "LANG=C.UTF-8"]
                            .map(String::from)
                            .to_vec(),
                    ),
                    attach_stdin: Some(true),
                    attach_stdout: Some(true),
                    attach_stderr: Some(true),
                    tty: Some(true),
                    ..Default::default()
                },
            )
            .await?;
        let options = StartExecOptions {
            detach: false,
            tty: true,
            output_capacity: Some(READ_CAPACITY),
        };
        let StartExecResults::Attached { output, input } =
            docker.start_exec(&created.id, Some(options)).await?
        else {
            bail!("the engine detached the raw exec");
        };
        docker
            .resize_exec(
                &created.id,
                ResizeExecOptions {
                    h: i32::from(ROWS),
                    w: i32::from(COLS),
                },
            )
            .await?;
        Ok(Term::Raw { output, input })
    }

    pub fn label(&self) -> &'static str {
        match self {
            Term::WebSocket { json: false, .. } => "sandboxd terminal, binary",
            Term::WebSocket { json: true, .. } => "sandboxd terminal, JSON",
            Term::Raw { .. } => "raw docker exec attach",
        }
    }

    pub async fn send(&mut self, bytes: &[u8]) -> anyhow::Result<()> {
        match self {
            Term::WebSocket {
                socket,
                json: false,
            } => socket.send(Message::binary(bytes.to_vec())).await?,
            Term::WebSocket { socket, json: true } => {
                let data = std::str::from_utf8(bytes)?;
                let frame = json!({"type": "input", "data": data}).to_string();
                socket.send(Message::text(frame)).await?
            }
            Term::Raw { input, .. } => {
                input.write_all(bytes).await?;
                input.flush().await?;
            }
        }
        Ok(())
    }

    /// The next chunk of the shell's output; frames that carry none are skipped.
    async fn recv(&mut self) -> anyhow::Result<Bytes> {
        loop {
            match self {
                Term::WebSocket { socket, json } => {
                    let message = socket
                        .next()
                        .await
                        .ok_or_else(|| anyhow!("the terminal closed"))??;
                    match message {
                        Message::Binary(bytes) if !*json => return Ok(bytes),
                        Message::Text(text) => {
                            let frame: Value = serde_json::from_str(text.as_str())?;
                            match frame["type"].as_str() {
                                Some("output") => {
                                    let data = frame["data"].as_str().unwrap_or_default();
                                    return Ok(Bytes::from(data.to_string()));
                                }
                                Some("pong") => {}
                                _ => bail!("unexpected frame: {frame}"),
                            }
                        }
                        Message::Close(frame) => bail!("the terminal closed: {frame:?}"),
                        _ => {}
                    }
                }
                Term::Raw { output, .. } => {
                    let chunk = output
                        .next()
                        .await
                        .ok_or_else(|| anyhow!("the raw exec ended"))??;
                    match chunk {
                        LogOutput::Console { message }
                        | LogOutput::StdOut { message }
                        | LogOutput::StdErr { message } => return Ok(message),
                        LogOutput::StdIn { .. } => {}
                    }
                }
            }
        }
    }

    pub async fn recv_within(&mut self, within: Duration) -> anyhow::Result<Bytes> {
        tokio::time::timeout(within, self.recv())
            .await
            .map_err(|_| anyhow!("{}: no output within {within:?}", self.label()))?
    }

    /// Reads until nothing arrives for `quiet`.
    pub async fn drain(&mut self, quiet: Duration) -> anyhow::Result<()> {
        while let Ok(chunk) = tokio::time::timeout(quiet, self.recv()).await {
            chunk?;
        }
        Ok(())
    }

    /// Until the shell answers a command: its prompt and profile are out of the way.
    pub async fn wait_for_shell(&mut self) -> anyhow::Result<()> {
        self.send(b"echo READY-$((20+1))\r").await?;
        let mut screen = Vec::new();
        while !contains(&screen, b"READY-21") {
            let chunk = self.recv_within(OUTPUT_WITHIN).await?;
            screen.extend_from_slice(&chunk);
        }
        self.drain(Duration::from_millis(300)).await
    }

    pub async fn close(self) {
        match self {
            Term::WebSocket { mut socket, .. } => {
                let _ = socket.as_mut().close(None).await;
            }
            Term::Raw { mut input, .. } => {
                let _ = input.write_all(b"exit\r").await;
                let _ = input.flush().await;
            }
        }
    }
}

pub fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack
        .windows(needle.len())
        .any(|window| window == needle)
}

pub async fn open_websocket(url: &str) -> anyhow::Result<(Socket, Value)> {
    // As a browser does: no Nagle delay on keystrokes.
    let (mut socket, _) = tokio_tungstenite::connect_async_with_config(url, None, true)
        .await
        .map_err(|err| match err {
            tokio_tungstenite::tungstenite::Error::Http(response) => {
                let body = response.body().as_deref().unwrap_or_default();
                let body = String::from_utf8_lossy(body);
                anyhow!("the upgrade was refused: {}: {body}", response.status())
            }
            other => anyhow::Error::from(other),
        })?;
    let hello = tokio::time::timeout(OUTPUT_WITHIN, socket.next())
        .await
        .map_err(|_| anyhow!("no connected frame within {OUTPUT_WITHIN:?}"))?
        .ok_or_else(|| anyhow!("closed before the connected frame"))??;
    let hello: Value = match hello {
        Message::Text(text) => serde_json::from_str(text.as_str())?,
        other => bail!("expected the connected frame, got {other:?}"),
    };
    Ok((socket, hello))
}
