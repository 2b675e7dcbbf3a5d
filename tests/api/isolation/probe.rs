//! One call of the matrix: the request a caller makes to a route, and what came back.

use std::time::Duration;

use futures_util::SinkExt;
use reqwest::Method;
use serde_json::{json, Value};
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::Error as WsError;

use super::rules::{Caller, Route};
use super::world::World;
use crate::support::accounts::PASSWORD;
use crate::support::provisioning::busybox;

pub struct Outcome {
    pub status: u16,
    pub body: String,
    /// Everything the caller sent, since a response may echo it back.
    pub request: String,
}

/// Names made in the matrix are per caller, so that each create is a new one.
fn tag(caller: Caller) -> String {
    format!("{caller:?}").to_lowercase()
}

/// A body good enough to get past validation, so the status shows the access decision.
pub fn body_for(world: &World, route: &Route, caller: Caller) -> Value {
    let main = &world.main;
    let made = |prefix: &str| {
        json!({"image": "custom", "custom_image": busybox(&world.app), "role": "barebone",
               "name": format!("{prefix}-{}", tag(caller))})
    };
    match (route.method, route.path) {
        ("POST", "/api/auth/register") => json!({
            "email": format!("walk-in-{}@example.com", tag(caller)),
            "username": format!("walk-in-{}", tag(caller)),
            "password": PASSWORD,
        }),
        ("POST", "/api/auth/login") => json!({"login": "walk-in-visitor", "password": PASSWORD}),
        ("POST", "/api/tokens") => json!({"name": "matrix", "scopes": ["read"]}),
        ("POST", "/api/ssh-keys") => {
            json!({"name": "matrix", "public_key": super::owned::fresh_public_key()})
        }
        ("POST", "/api/containers") => made("made-by"),
        ("POST", "/api/containers/stream") => made("streamed-by"),
        ("POST", "/api/containers/{id}/exec")
        | ("POST", "/api/containers/{id}/exec/stream")
        | ("POST", "/api/node/{hostname}/container/docker/{id}/exec") => {
            json!({"command": ["true"]})
        }
        ("POST", "/api/node/{hostname}/container/docker") => {
            json!({"image": "debian:bookworm", "volumes": ["/:/host"]})
        }
        ("POST", "/api/containers/{id}/ports/{port}/link") => json!({}),
        ("PUT", "/api/containers/{id}/ports/{port}") => json!({"public": false}),
        ("POST", "/api/containers/{id}/ports/{port}/shares") => json!({"expires_in_seconds": 600}),
        ("POST", "/api/containers/{id}/files/mkdir") => json!({"path": "/tmp/matrix-dir"}),
        // The upload before it made the file; the delete after it removes it from its new path.
        ("POST", "/api/containers/{id}/files/move") => {
            json!({"from": "/tmp/matrix-upload", "to": "/tmp/matrix-moved"})
        }
        ("POST", "/api/containers/batch/export" | "/api/containers/batch/export/preview") => {
            json!({"container_ids": [main.id, main.name, main.docker_id]})
        }
        ("POST", "/api/containers/batch") => json!({
            "action": "restart", "timeout": 1,
            "containerIds": [main.id, main.name, main.docker_id],
        }),
        ("POST" | "PUT", "/api/admin/tiers" | "/api/admin/tiers/{name}") => world.tier.clone(),
        ("PUT", "/api/admin/users/{id}/tier") => json!({"tier": "pro"}),
        // Another role than the world's pool: a second pool of one shape is refused.
        ("POST", "/api/admin/pools") => {
            json!({"node": world.app.settings.node.name, "role": "python", "size": 0})
        }
        ("PATCH", "/api/admin/pools/{id}") => json!({"size": 0}),
        ("PUT", "/api/admin/users/{id}/limits") => json!({"max_containers": 2}),
        _ => json!({}),
    }
}

/// The concrete path: `{id}` or `{name}` replaced, and a short grace period for stops.
pub fn concrete_path(route: &Route, value: &str) -> String {
    let path = route
        .path
        .replace("{id}", value)
        .replace("{name}", value)
        .replace("{hostname}", "_any")
        .replace("{port}", "8000");
    let stops = route.path.ends_with("/stop")
        || route.path.ends_with("/restart")
        || route.path.ends_with("-all");
    if stops && !route.path.starts_with("/api/admin") {
        return format!("{path}?timeout=1");
    }
    match (route.method, route.path) {
        ("GET", "/api/containers/{id}/files/list") => format!("{path}?path=/etc"),
        ("GET", "/api/containers/{id}/files" | "/api/containers/{id}/files/stat") => {
            format!("{path}?path=/etc/hostname")
        }
        ("POST", "/api/containers/{id}/files") => format!("{path}?path=/tmp/matrix-upload"),
        ("DELETE", "/api/containers/{id}/files") => format!("{path}?path=/tmp/matrix-moved"),
        _ => path,
    }
}

pub async fn call(world: &World, route: &Route, caller: Caller, path: &str) -> Outcome {
    let token = world.credential(caller);
    if route.path.starts_with("/ws/") {
        return websocket(world, path, token).await;
    }
    let body = body_for(world, route, caller);
    let request = format!("{path} {body}");
    let response = world
        .app
        .request(route.method.parse::<Method>().unwrap(), path, token)
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    // The streaming create answers until the environment is ready; reading it to the end
    // also checks every event it sent.
    let body = tokio::time::timeout(Duration::from_secs(120), response.text())
        .await
        .expect("the response ends")
        .unwrap_or_default();
    Outcome {
        status,
        body,
        request,
    }
}

/// A WebSocket handshake with the credential in the header; 101 when it upgraded.
async fn websocket(world: &World, path: &str, token: Option<&str>) -> Outcome {
    let url = format!("{}{path}", world.app.address.replacen("http", "ws", 1));
    let mut request = url.as_str().into_client_request().unwrap();
    if let Some(token) = token {
        request
            .headers_mut()
            .insert("authorization", format!("Bearer {token}").parse().unwrap());
    }
    let (status, body) = match tokio_tungstenite::connect_async(request).await {
        Ok((mut socket, response)) => {
            let first = crate::support::ws::next_json(&mut socket, Duration::from_secs(5)).await;
            let _ = socket.close(None).await;
            let _ = socket.flush().await;
            (
                response.status().as_u16(),
                first.unwrap_or_default().to_string(),
            )
        }
        Err(WsError::Http(response)) => {
            let body = response.body().clone().unwrap_or_default();
            (
                response.status().as_u16(),
                String::from_utf8_lossy(&body).into_owned(),
            )
        }
        Err(other) => panic!("GET {path}: {other}"),
    };
    Outcome {
        status,
        body,
        request: path.to_string(),
    }
}

/// The foreign secrets found in `outcome`'s body that the request did not itself contain.
pub fn leaks<'a>(outcome: &Outcome, foreign: &[&'a str]) -> Vec<&'a str> {
    foreign
        .iter()
        .filter(|secret| outcome.body.contains(**secret) && !outcome.request.contains(**secret))
        .copied()
        .collect()
}
