//! `POST /api/containers/{id}/exec/stream`: a command whose output arrives as it is printed,
//! one JSON object per line, ending with its exit code.

use std::time::Duration;

use actix_web::{web, HttpResponse};
use bytes::Bytes;
use futures_util::stream;
use serde_json::json;

use super::error::ErrorBody;
use super::extract::Operator;
use crate::auth::Scope;
use crate::environments::exec::{CommandEvent, ExecRequest, RunningCommand};
use crate::error::ApiResult;
use crate::state::AppState;
use crate::terminal::protocol::Utf8Stream;

/// Runs a command and streams `application/x-ndjson`: `{"type":"stdout"|"stderr","data"}`
/// lines as it prints, then `{"type":"exit","exit_code"}` or `{"type":"error","error"}`;
/// `{"type":"heartbeat"}` after 5 s without output.
/// Its input is empty. Without `timeout` it runs until it ends or the caller hangs up, which
/// kills it; with one (1-86400 s) it is killed then. Nothing is recorded as a job.
#[utoipa::path(post, path = "/api/containers/{id}/exec/stream", tag = "exec", security(("bearer" = [])),
    params(("id" = String, Path, description = "Environment id, docker id or name")),
    request_body = ExecRequest,
    responses(
        (status = 200, description = "application/x-ndjson of stdout, stderr, then exit or error lines", content_type = "application/x-ndjson"),
        (status = 400, description = "INVALID_COMMAND, INVALID_ENV, INVALID_WORKING_DIR, INVALID_TIMEOUT", body = ErrorBody),
        (status = 403, description = "The token lacks the exec scope", body = ErrorBody),
        (status = 404, description = "CONTAINER_NOT_FOUND", body = ErrorBody),
        (status = 409, description = "CONTAINER_NOT_RUNNING", body = ErrorBody),
        (status = 503, description = "DOCKER_UNAVAILABLE, NODE_UNAVAILABLE", body = ErrorBody),
    ))]
#[tracing::instrument(skip_all, fields(user_id = %principal.id()))]
pub async fn exec_stream(
    state: web::Data<AppState>,
    Operator(principal): Operator,
    id: web::Path<String>,
    body: web::Json<ExecRequest>,
) -> ApiResult<HttpResponse> {
    principal.require(Scope::Exec)?;
    let running = state
        .environments
        .exec()
        .stream(&principal, &id, body.into_inner())
        .await?;
    let lines = stream::unfold(Lines::new(running), |mut lines| async move {
        let line = lines.next().await?;
        Some((Ok::<_, actix_web::Error>(line), lines))
    });
    Ok(HttpResponse::Ok()
        .content_type("application/x-ndjson")
        .insert_header(("X-Accel-Buffering", "no"))
        .streaming(lines))
}

/// How long a command may be silent before a `heartbeat` line is sent.
const HEARTBEAT: Duration = Duration::from_secs(5);

/// Turns a command's events into lines, keeping characters whole across chunks.
struct Lines {
    running: RunningCommand,
    stdout: Utf8Stream,
    stderr: Utf8Stream,
    ended: bool,
}

impl Lines {
    fn new(running: RunningCommand) -> Self {
        Self {
            running,
            stdout: Utf8Stream::default(),
            stderr: Utf8Stream::default(),
            ended: false,
        }
    }

    async fn next(&mut self) -> Option<Bytes> {
        if self.ended {
            return None;
        }
        // A quiet command still writes now and then: only a failed write tells the server
        // that its caller has gone, and a command nobody reads is killed.
        let event = tokio::select! {
            event = self.running.next() => event,
            _ = tokio::time::sleep(HEARTBEAT) => return Some(line(&json!({ "type": "heartbeat" }))),
        };
        let value = match event {
            Some(CommandEvent::Stdout(bytes)) => {
                json!({ "type": "stdout", "data": self.stdout.decode(&bytes) })
            }
            Some(CommandEvent::Stderr(bytes)) => {
                json!({ "type": "stderr", "data": self.stderr.decode(&bytes) })
            }
            Some(CommandEvent::Exit(code)) => {
                self.ended = true;
                json!({ "type": "exit", "exit_code": code })
            }
            Some(CommandEvent::Failed(error)) => {
                self.ended = true;
                json!({ "type": "error", "error": error })
            }
            None => {
                self.ended = true;
                json!({ "type": "error", "error": "the command's output ended without an exit code" })
            }
        };
        Some(line(&value))
    }
}

fn line(value: &serde_json::Value) -> Bytes {
    let mut line = serde_json::to_vec(value).expect("a JSON value serialises");
    line.push(b'\n');
    Bytes::from(line)
}
