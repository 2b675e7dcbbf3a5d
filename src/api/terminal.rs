//! `GET /ws/terminal/{id}`: an interactive shell in one of the caller's environments.
//! Frames are described in `terminal::protocol`; shells and their resumption in `terminal`.

use std::sync::Arc;
use std::time::{Duration, Instant};

use actix_web::{web, HttpRequest, HttpResponse};
use actix_ws::{CloseCode, CloseReason, Message, MessageStream, Session};
use bytes::Bytes;
use futures_util::StreamExt;
use serde::Deserialize;
use utoipa::IntoParams;

use super::error::ErrorBody;
use crate::auth::{Principal, Scope};
use crate::error::ApiError;
use crate::model::Status;
use crate::state::AppState;
use crate::terminal::protocol::{self, ClientFrame, Utf8Stream};
use crate::terminal::{Attachment, OpenRequest, ShellEvent, DEFAULT_SIZE, MAX_DIMENSION};

const HEARTBEAT: Duration = Duration::from_secs(20);
const CLIENT_TIMEOUT: Duration = Duration::from_secs(60);
/// Largest frame a client may send: a big paste, not a file upload.
const MAX_FRAME: usize = 64 * 1024;
/// Typing is activity that keeps the environment from idling; recorded at most this often.
const ACTIVITY_EVERY: Duration = Duration::from_secs(10);

#[derive(Debug, Deserialize, IntoParams)]
pub struct TerminalQuery {
    /// The bearer token, for clients that cannot set headers.
    #[allow(dead_code)]
    token: Option<String>,
    /// Resume this session if it is still running, or start it. Letters, digits, '-', '_'.
    session: Option<String>,
    /// Initial width in columns (default 80).
    cols: Option<u16>,
    /// Initial height in rows (default 24).
    rows: Option<u16>,
    /// `json` (default): output in `output` text frames; `binary`: output in binary frames.
    mode: Option<Mode>,
}

#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    Json,
    Binary,
}

/// Upgrades to a WebSocket running a login shell on a TTY in the environment. Needs the
/// `exec` scope; another user's environment is not found, and nothing is upgraded.
#[utoipa::path(get, path = "/ws/terminal/{id}", tag = "terminal", security(("bearer" = [])),
    params(("id" = String, Path, description = "Environment id, docker id or name"), TerminalQuery),
    responses(
        (status = 101, description = "Switching to the WebSocket protocol"),
        (status = 400, description = "Not a WebSocket handshake, or a bad parameter", body = ErrorBody),
        (status = 401, body = ErrorBody),
        (status = 403, description = "The token lacks the exec scope", body = ErrorBody),
        (status = 404, description = "No such environment of the caller's", body = ErrorBody),
        (status = 409, description = "Not running, or too many terminals open", body = ErrorBody),
        (status = 503, description = "TERMINAL_UNAVAILABLE: the engine cannot start a shell now", body = ErrorBody),
    ))]
pub async fn terminal(
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<String>,
    query: web::Query<TerminalQuery>,
    req: HttpRequest,
    body: web::Payload,
) -> actix_web::Result<HttpResponse> {
    principal.require(Scope::Exec).map_err(ApiError::from)?;
    let environment = state
        .environments
        .records()
        .find(&principal, &id)
        .await
        .map_err(ApiError::from)?;
    if environment.status != Status::Running {
        return Err(ApiError::conflict(
            "CONTAINER_NOT_RUNNING",
            format!("the environment is {}, not running", environment.status),
        )
        .into());
    }
    let query = query.into_inner();
    let size = (
        dimension(query.cols, DEFAULT_SIZE.0)?,
        dimension(query.rows, DEFAULT_SIZE.1)?,
    );
    // The handshake is checked before a shell is started for it.
    let (response, session, messages) = actix_ws::handle(&req, body)?;
    let request = OpenRequest {
        session_id: query.session,
        size,
    };
    let opened = state
        .terminals
        .open(&environment, request)
        .await
        .map_err(ApiError::from)?;
    state.environments.records().touch(environment.id).await;
    let connection = Connection {
        state: state.into_inner(),
        mode: query.mode.unwrap_or(Mode::Json),
        session,
        decoder: Utf8Stream::default(),
        environment: environment.id,
        last_activity: Instant::now(),
    };
    let hello = protocol::connected(
        &opened.attachment.shell.session_id,
        opened.resumed,
        &environment.id.to_string(),
        size,
    );
    let messages = messages.max_frame_size(MAX_FRAME);
    actix_web::rt::spawn(connection.serve(hello, opened.attachment, messages));
    Ok(response)
}

fn dimension(value: Option<u16>, default: u16) -> Result<u16, ApiError> {
    match value {
        None => Ok(default),
        Some(value) if (1..=MAX_DIMENSION).contains(&value) => Ok(value),
        Some(_) => Err(ApiError::bad_request(
            "INVALID_TERMINAL_SIZE",
            format!("cols and rows must be between 1 and {MAX_DIMENSION}"),
        )),
    }
}

struct Connection {
    state: Arc<AppState>,
    mode: Mode,
    session: Session,
    decoder: Utf8Stream,
    environment: crate::model::EnvironmentId,
    last_activity: Instant,
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
    async fn serve(
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
                            Ok(ClientFrame::Resize { cols, rows }) => self.resize(attachment, cols, rows).await,
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

    async fn resize(&mut self, attachment: &Attachment, cols: u16, rows: u16) {
        let valid = (1..=MAX_DIMENSION).contains(&cols) && (1..=MAX_DIMENSION).contains(&rows);
        if !valid {
            let message = format!("cols and rows must be between 1 and {MAX_DIMENSION}");
            let _ = self
                .session
                .text(protocol::error("INVALID_TERMINAL_SIZE", &message))
                .await;
            return;
        }
        if let Err(err) = attachment.shell.resize(cols, rows).await {
            tracing::debug!(error = %err, "resizing a terminal failed");
        }
    }
}
