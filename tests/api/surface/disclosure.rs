//! Strangers learn what they need and nothing about the host: which dependency is down but
//! not why, and one answer for an image that cannot be pulled whatever the registry's
//! address answered.

use std::time::Duration;

use serde_json::json;

use crate::support::app::{assert_error, spawn_app_with};

#[tokio::test]
async fn readyz_tells_strangers_which_dependency_is_down_and_only_admins_why() {
    let app = spawn_app_with(|settings| settings.redis_url = "redis://127.0.0.1:1/0".into()).await;
    let body = assert_error(app.get("/readyz", None).await, 503, "NOT_READY").await;
    assert_eq!(body["details"]["checks"]["redis"], "down", "{body}");
    assert!(!body.to_string().contains("127.0.0.1"), "{body}");

    let user = app.user_token("curious").await;
    let body = assert_error(app.get("/readyz", Some(&user)).await, 503, "NOT_READY").await;
    assert_eq!(body["details"]["checks"]["redis"], "down", "{body}");

    let admin = app.admin_token().await;
    let body = assert_error(app.get("/readyz", Some(&admin)).await, 503, "NOT_READY").await;
    let why = body["details"]["checks"]["redis"].as_str().unwrap();
    assert!(why.starts_with("down: "), "{body}");
    assert!(why.len() > "down: ".len(), "{body}");
}

/// Starts a listener on loopback that answers every connection with a line that is not
/// HTTP, standing in for some other service on the engine's host.
async fn not_a_registry() -> u16 {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            tokio::spawn(async move {
                use tokio::io::AsyncWriteExt;
                let _ = socket.write_all(b"SSH-2.0-OpenSSH_9.2\r\n").await;
                tokio::time::sleep(Duration::from_millis(200)).await;
            });
        }
    });
    port
}

/// A port on loopback that nothing listens on.
fn closed_port() -> u16 {
    let socket = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    socket.local_addr().unwrap().port()
}

#[tokio::test]
async fn pulling_from_an_open_port_and_a_closed_one_fail_alike() {
    let app = spawn_app_with(|settings| {
        settings.job_attempts = 1;
        // Any registry, as an admin may allow: the pull itself must say nothing.
        settings.allowed_registries = "*".into();
    })
    .await;
    let token = app.user_token("prober").await;
    let open = not_a_registry().await;
    let closed = closed_port();
    let mut messages = Vec::new();
    for port in [open, closed] {
        let image = format!("127.0.0.1:{port}/probe:latest");
        let (status, created) = app
            .create(&token, json!({"image": "custom", "custom_image": image}))
            .await;
        assert_eq!(status, 202, "{created}");
        let id = created["id"].as_str().unwrap();
        let env = app.wait_settled(&token, id, Duration::from_secs(120)).await;
        assert_eq!(env["status"], "error", "{env}");
        let message = env["message"].as_str().unwrap().to_string();
        messages.push(message.replace(&port.to_string(), "PORT"));
    }
    assert_eq!(messages[0], messages[1]);
    let lowered = messages[0].to_lowercase();
    for word in ["eof", "http", "dial", "tcp", "connection", "timeout"] {
        assert!(!lowered.contains(word), "{word} in {}", messages[0]);
    }
}
