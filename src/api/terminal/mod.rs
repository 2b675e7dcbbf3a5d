//! `GET /ws/terminal/{id}`: an interactive shell in one of the caller's environments.
//! Frames are described in `terminal::protocol`; shells and their resumption in `terminal`.

use std::time::Instant;

use actix_web::{web, HttpRequest, HttpResponse};
use serde::Deserialize;
use utoipa::IntoParams;

mod connection;
mod resize;

use super::error::ErrorBody;
use crate::auth::{Principal, Scope};
use crate::error::ApiError;
use crate::model::Status;
use crate::state::AppState;
use crate::terminal::protocol::{self, Utf8Stream};
use crate::terminal::{OpenRequest, DEFAULT_SIZE, MAX_DIMENSION};
use connection::Connection;

/// Largest frame a client may send: a big paste, not a file upload.
pub(super) const MAX_FRAME: usize = 64 * 1024;

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
    // Nothing runs in a paused environment: a terminal resumes it first.
    let environment = state
        .environments
        .pausing()
        .wake(environment)
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
    let registered = state
        .connections
        .register(principal.id(), principal.revocation())
        .map_err(ApiError::from)?;
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
        registered,
        resizes: resize::ResizeThrottle::new(),
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
