//! One terminal connection: shell output to the client, its frames to the shell, heartbeats,
//! and what becomes of the shell when either side goes.

use std::sync::Arc;
use std::time::{Duration, Instant};

use actix_ws::{CloseCode, CloseReason, Message, MessageStream, Session};
use bytes::Bytes;
use futures_util::StreamExt;

use super::resize::{self, ResizeThrottle};
use super::{Mode, MAX_FRAME};
use crate::connections::Registered;
use crate::model::EnvironmentId;
use crate::state::AppState;
use crate::terminal::protocol::{self, ClientFrame, Utf8Stream};
use crate::terminal::{Attachment, ShellEvent};

const HEARTBEAT: Duration = Duration::from_secs(20);
const CLIENT_TIMEOUT: Duration = Duration::from_secs(60);
/// Typing is activity that keeps the environment from idling; recorded at most this often.
const ACTIVITY_EVERY: Duration = Duration::from_secs(10);

pub(super) struct Connection {
    pub(super) state: Arc<AppState>,
    pub(super) mode: Mode,
    pub(super) session: Session,
    pub(super) decoder: Utf8Stream,
    pub(super) environment: EnvironmentId,
    pub(super) last_activity: Instant,
    /// Fires when the credential the terminal was opened with is revoked.
    pub(super) registered: Registered,
    pub(super) resizes: ResizeThrottle,
}

/// Why a connection ended, which decides what becomes of its shell.
enum End {
    /// The shell ended; `exit` was sent.
    Exited,
    /// The engine went away under the shell; an error was sent, and the client may retry.
    Lost,
    /// Another connection attached to the same session.
    TakenOver,
    /// The client went away: the shell waits out the grace period for a reconnect.
    ClientLeft(Option<CloseReason>),
    /// No input for too long, or the server is stopping: the shell is hung up.
    Closed(CloseReason),
}

impl Connection {
    pub(super) async fn serve(
        mut self,
        hello: String,
        mut attachment: Attachment,
        mut messages: MessageStream,
    ) {
        let replay = std::mem::take(&mut attachment.replay);
        if self.session.text(hello).await.is_err()
            || (!replay.is_empty() && self.output(Bytes::from(replay)).await.is_err())
        {
            self.state.terminals.release(attachment);
            return;
        }
        let end = self.pump(&mut attachment, &mut messages).await;
        let close = match end {
            End::Exited => Some(CloseReason::from(CloseCode::Normal)),
            End::Lost => Some(CloseReason {
                code: CloseCode::Again,
                description: Some("the container engine is unavailable".into()),
            }),
            End::TakenOver => Some(CloseReason {
                code: CloseCode::Policy,
                description: Some("the session was attached elsewhere".into()),
            }),
            End::ClientLeft(reason) => reason,
            End::Closed(reason) => {
                self.state.terminals.hang_up(&attachment.shell);
                Some(reason)
            }
        };
        self.state.terminals.release(attachment);
        let _ = self.session.close(close).await;
    }

    async fn pump(&mut self, attachment: &mut Attachment, messages: &mut MessageStream) -> End {
        let input = attachment.shell.input();
        // Keystrokes read but not yet accepted by the shell: while they wait, no more are read
        // from the client, yet output keeps flowing, so a shell that stops reading its input
        // cannot deadlock the connection.
        let mut pending: Option<Bytes> = None;
        let mut heartbeat = tokio::time::interval(HEARTBEAT);
        let mut last_heard = Instant::now();
        let mut last_input = Instant::now();
        let idle = self.state.settings.terminal_idle;
        let shutdown = self.state.shutdown.clone();
        let revoked = self.registered.closed.clone();
        loop {
            tokio::select! {
                event = attachment.events.recv() => match event {
                    Some(ShellEvent::Output(bytes)) => {
                        if self.output(bytes).await.is_err() { return End::ClientLeft(None) }
                    }
                    Some(ShellEvent::Exit(code)) => {
                        let _ = self.session.text(protocol::exit(code)).await;
                        return End::Exited;
                    }
                    Some(ShellEvent::Lost(_)) => {
                        let _ = self.session.text(protocol::error("TERMINAL_LOST",
                            "lost the connection to the container engine; reconnect to start a new shell once it is back")).await;
                        return End::Lost;
                    }
                    None => {
                        let _ = self.session.text(protocol::error("SESSION_TAKEN_OVER",
                            "another connection attached to this terminal session")).await;
                        return End::TakenOver;
                    }
                },
                permit = input.reserve(), if pending.is_some() => {
                    self.note_activity();
                    // A closed queue means the shell is ending; its exit event follows.
                    if let (Ok(permit), Some(bytes)) = (permit, pending.take()) {
                        permit.send(bytes);
                    }
                }
                message = messages.next(), if pending.is_none() => {
                    last_heard = Instant::now();
                    match message {
                        Some(Ok(Message::Binary(bytes))) => {
                            last_input = Instant::now();
                            pending = Some(bytes);
                        }
                        Some(Ok(Message::Text(text))) => match ClientFrame::parse(&text) {
                            Ok(ClientFrame::Input { data }) => {
                                last_input = Instant::now();
                                pending = Some(Bytes::from(data));
                            }
                            Ok(ClientFrame::Resize { cols, rows }) => {
                                if let Some((cols, rows)) = self.resizes.offer((cols, rows)) {
                                    resize::apply(&mut self.session, attachment, cols, rows).await;
                                }
                            }
                            Ok(ClientFrame::Ping) => {
                                if self.session.text(protocol::pong()).await.is_err() { return End::ClientLeft(None) }
                            }
                            Ok(ClientFrame::Pong) => {}
                            Err(message) => {
                                if self.session.text(protocol::error("INVALID_FRAME", &message)).await.is_err() {
                                    return End::ClientLeft(None);
                                }
                            }
                        },
                        Some(Ok(Message::Ping(bytes))) => {
                            if self.session.pong(&bytes).await.is_err() { return End::ClientLeft(None) }
                        }
                        Some(Ok(Message::Close(reason))) => return End::ClientLeft(reason),
                        Some(Ok(_)) => {}
                        Some(Err(err)) => return End::ClientLeft(Some(CloseReason {
                            code: CloseCode::Size,
                            description: Some(format!("{err}; frames are limited to {MAX_FRAME} bytes")),
                        })),
                        None => return End::ClientLeft(None),
                    }
                }
                _ = heartbeat.tick() => {
                    if last_heard.elapsed() > CLIENT_TIMEOUT {
                        return End::ClientLeft(None);
                    }
                    if last_input.elapsed() > idle {
                        let _ = self.session.text(protocol::error("TERMINAL_IDLE",
                            &format!("no input for {} s; the terminal was closed", idle.as_secs()))).await;
                        return End::Closed(CloseReason { code: CloseCode::Normal, description: Some("idle".into()) });
                    }
                    if self.session.ping(b"").await.is_err() { return End::ClientLeft(None) }
                }
                waiting = self.resizes.due(), if self.resizes.is_waiting() => {
                    if let Some((cols, rows)) = waiting { resize::apply(&mut self.session, attachment, cols, rows).await }
                }
                _ = revoked.cancelled() => {
                    let _ = self.session.text(protocol::error("CREDENTIALS_REVOKED",
                        "the credential this terminal was opened with was revoked")).await;
                    return End::Closed(CloseReason { code: CloseCode::Policy, description: Some("credentials revoked".into()) });
                }
                _ = shutdown.cancelled() => {
                    return End::Closed(CloseReason { code: CloseCode::Away, description: Some("server shutting down".into()) });
                }
            }
        }
    }

    /// Off the keystroke path: a database write must not delay an echo.
    fn note_activity(&mut self) {
        if self.last_activity.elapsed() >= ACTIVITY_EVERY {
            self.last_activity = Instant::now();
            let (records, id) = (self.state.environments.records(), self.environment);
            tokio::spawn(async move { records.touch(id).await });
        }
    }

    async fn output(&mut self, bytes: Bytes) -> Result<(), actix_ws::Closed> {
        match self.mode {
            Mode::Binary => self.session.binary(bytes).await,
            Mode::Json => {
                let text = self.decoder.decode(&bytes);
                if text.is_empty() {
                    return Ok(());
                }
                self.session.text(protocol::output(&text)).await
            }
        }
    }
}
