//! `GET /ws/port-forward/{id}/{port}`: a WebSocket joined to a TCP connection to one port of
//! one of the caller's environments, byte for byte, in binary frames both ways. What the
//! CLI's `port-forward` listens locally for; each local connection is one socket.

use std::time::Duration;

use actix_web::{web, HttpRequest, HttpResponse};
use actix_ws::{CloseCode, CloseReason, Message, MessageStream, Session};
use bytes::Bytes;
use futures_util::StreamExt;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio_util::sync::CancellationToken;

use super::error::ErrorBody;
use crate::auth::{Principal, Scope};
use crate::error::ApiError;
use crate::state::AppState;

/// An app that does not take the connection by then is not listening in any useful way.
const CONNECT_WITHIN: Duration = Duration::from_secs(5);
const READ_CHUNK: usize = 64 * 1024;
const MAX_FRAME: usize = 1024 * 1024;

/// Opens a TCP connection to `port` on the environment (woken if paused), then upgrades.
/// Needs the `exec` scope; another user's environment is not found.
#[utoipa::path(get, path = "/ws/port-forward/{id}/{port}", tag = "previews", security(("bearer" = [])),
    params(
        ("id" = String, Path, description = "Environment id, docker id or name"),
        ("port" = u16, Path, description = "A TCP port the environment listens on"),
    ),
    responses(
        (status = 101, description = "Switching to the WebSocket protocol; binary frames carry the connection's bytes"),
        (status = 400, description = "INVALID_PREVIEW: port 0", body = ErrorBody),
        (status = 403, description = "The token lacks the exec scope", body = ErrorBody),
        (status = 404, description = "CONTAINER_NOT_FOUND", body = ErrorBody),
        (status = 409, description = "CONTAINER_NOT_RUNNING", body = ErrorBody),
        (status = 502, description = "PORT_NOT_LISTENING: nothing accepted the connection", body = ErrorBody),
        (status = 503, description = "NODE_UNAVAILABLE", body = ErrorBody),
    ))]
pub async fn port_forward(
    state: web::Data<AppState>,
    principal: Principal,
    path: web::Path<(String, u16)>,
    req: HttpRequest,
    body: web::Payload,
) -> actix_web::Result<HttpResponse> {
    principal.require(Scope::Exec).map_err(ApiError::from)?;
    let (reference, port) = path.into_inner();
    let target = state
        .previews
        .tunnel_target(&principal, &reference, port)
        .await
        .map_err(ApiError::from)?;
    let app = tokio::time::timeout(CONNECT_WITHIN, TcpStream::connect(target))
        .await
        .ok()
        .and_then(Result::ok)
        .ok_or_else(|| {
            ApiError::new(
                502u16,
                "PORT_NOT_LISTENING",
                format!("nothing in the environment accepted a connection on port {port}"),
            )
        })?;
    let registered = state
        .connections
        .register(principal.id(), principal.revocation())
        .map_err(ApiError::from)?;
    let (response, session, messages) = actix_ws::handle(&req, body)?;
    let messages = messages.max_frame_size(MAX_FRAME);
    let stop = state.shutdown.clone();
    let revoked = registered.closed.clone();
    actix_web::rt::spawn(async move {
        let reason = join(app, session.clone(), messages, [stop, revoked]).await;
        let _ = session.close(Some(reason)).await;
        drop(registered);
    });
    Ok(response)
}

/// Passes bytes both ways until either side closes, the server stops or the credential is
/// revoked.
async fn join(
    app: TcpStream,
    mut session: Session,
    mut messages: MessageStream,
    [stop, revoked]: [CancellationToken; 2],
) -> CloseReason {
    let (mut from_app, mut to_app) = app.into_split();
    let mut buffer = vec![0u8; READ_CHUNK];
    loop {
        tokio::select! {
            read = from_app.read(&mut buffer) => match read {
                Ok(0) | Err(_) => return CloseCode::Normal.into(),
                Ok(n) => if session.binary(Bytes::copy_from_slice(&buffer[..n])).await.is_err() {
                    return CloseCode::Normal.into();
                },
            },
            message = messages.next() => match message {
                Some(Ok(Message::Binary(bytes))) => if to_app.write_all(&bytes).await.is_err() {
                    return CloseCode::Normal.into();
                },
                Some(Ok(Message::Ping(bytes))) => { let _ = session.pong(&bytes).await; }
                Some(Ok(Message::Close(_))) | None | Some(Err(_)) => return CloseCode::Normal.into(),
                Some(Ok(_)) => {}
            },
            _ = stop.cancelled() => return CloseCode::Away.into(),
            _ = revoked.cancelled() => return CloseReason {
                code: CloseCode::Policy,
                description: Some("the credential was revoked".into()),
            },
        }
    }
}
