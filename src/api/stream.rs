//! `POST /api/containers/stream`: a create whose response is the provisioning progress, as
//! server-sent events, ending when the environment is ready or has failed.

use std::time::Duration;

use actix_web::{web, HttpResponse};
use bytes::Bytes;
use futures_util::stream;
use serde_json::{json, Value};
use tokio::sync::broadcast::error::RecvError;

use super::error::ErrorBody;
use super::extract::Creator;
use crate::auth::Scope;
use crate::broker::events::{Event, Subscription};
use crate::environments::request::CreateContainerRequest;
use crate::environments::view::CreatedView;
use crate::error::ApiResult;
use crate::model::EnvironmentId;
use crate::state::AppState;

/// Without an event for this long, the stream reads the stage from Postgres instead, so a
/// lost event can delay the stream but never stall it.
const POLL_AFTER: Duration = Duration::from_secs(5);
const GIVE_UP_AFTER: Duration = Duration::from_secs(30 * 60);

/// Creates an environment and streams its progress: `created`, then `progress` events, then
/// `ready` or `error`.
#[utoipa::path(post, path = "/api/containers/stream", tag = "containers", security(("bearer" = [])),
    request_body = CreateContainerRequest,
    responses(
        (status = 200, description = "text/event-stream of created, progress, ready or error events", content_type = "text/event-stream"),
        (status = 400, body = ErrorBody),
        (status = 403, body = ErrorBody),
        (status = 409, body = ErrorBody),
    ))]
#[tracing::instrument(skip_all, fields(user_id = %principal.id()))]
pub async fn create_streaming(
    state: web::Data<AppState>,
    Creator(principal): Creator,
    body: web::Json<CreateContainerRequest>,
) -> ApiResult<HttpResponse> {
    principal.require(Scope::Write)?;
    // Subscribe before creating, so not even the first stage can be missed.
    let subscription = state.environments.subscribe(principal.id());
    let row = state
        .environments
        .intake()
        .create(&principal, body.into_inner())
        .await?;
    let created = serde_json::to_value(CreatedView::from(row.clone())).expect("serialises");
    let progress = Progress {
        state: state.clone(),
        subscription,
        id: row.id,
        started: tokio::time::Instant::now(),
        pending: vec![sse("created", &created)],
        finished: false,
        last_stage: String::new(),
    };
    let body = stream::unfold(progress, |mut progress| async move {
        let chunk = progress.next_chunk().await?;
        Some((Ok::<_, actix_web::Error>(chunk), progress))
    });
    Ok(HttpResponse::Ok()
        .content_type("text/event-stream")
        .insert_header(("cache-control", "no-cache"))
        .insert_header(("x-accel-buffering", "no"))
        .streaming(body))
}

struct Progress {
    state: web::Data<AppState>,
    subscription: Subscription,
    id: EnvironmentId,
    started: tokio::time::Instant,
    pending: Vec<Bytes>,
    finished: bool,
    last_stage: String,
}

impl Progress {
    async fn next_chunk(&mut self) -> Option<Bytes> {
        loop {
            if !self.pending.is_empty() {
                return Some(self.pending.remove(0));
            }
            if self.finished || self.started.elapsed() > GIVE_UP_AFTER {
                return None;
            }
            tokio::select! {
                received = self.subscription.receiver.recv() => match received {
                    Ok(event) => self.on_event(&event),
                    Err(RecvError::Lagged(_)) => self.poll().await,
                    Err(RecvError::Closed) => return None,
                },
                _ = tokio::time::sleep(POLL_AFTER) => self.poll().await,
                _ = self.state.shutdown.cancelled() => return None,
            }
        }
    }

    fn on_event(&mut self, event: &Event) {
        if event.progress.map(|mark| mark.environment) != Some(self.id) {
            return;
        }
        let Ok(frame) = serde_json::from_str::<Value>(&event.frame) else {
            return;
        };
        self.emit(frame["data"].clone());
    }

    async fn poll(&mut self) {
        let current = self.state.environments.records().progress(self.id).await;
        let data = match current {
            Ok(Some(event)) => serde_json::to_value(event).expect("an event serialises"),
            Ok(None) => {
                json!({"id": self.id, "stage": "deleted", "message": "Environment deleted", "progress": 100})
            }
            Err(_) => return,
        };
        let seen = format!("{}:{}", data["stage"], data["progress"]);
        if seen != self.last_stage {
            self.emit(data);
        }
    }

    fn emit(&mut self, data: Value) {
        self.last_stage = format!("{}:{}", data["stage"], data["progress"]);
        let kind = match data["stage"].as_str() {
            Some("ready") => "ready",
            Some("error") => "error",
            Some("deleted") => "deleted",
            _ => "progress",
        };
        self.finished = kind != "progress";
        self.pending.push(sse(kind, &data));
    }
}

fn sse(event: &str, data: &Value) -> Bytes {
    Bytes::from(format!("event: {event}\ndata: {data}\n\n"))
}
