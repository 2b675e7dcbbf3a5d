//! `GET /ws/port-forward/{id}/{port}`: bytes both ways to one port of the caller's own
//! environment; refusals before any upgrade.

use futures_util::{SinkExt, StreamExt};
use serde_json::json;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::{Error, Message};

use crate::support::app::{spawn_app, TestApp};
use crate::support::provisioning::user_with_environment;

async fn open(app: &TestApp, token: &str, path: &str) -> Result<crate::support::ws::Socket, u16> {
    let url = format!("{}{path}", app.address.replacen("http", "ws", 1));
    let mut request = url.into_client_request().unwrap();
    request
        .headers_mut()
        .insert("Authorization", format!("Bearer {token}").parse().unwrap());
    match tokio_tungstenite::connect_async(request).await {
        Ok((socket, _)) => Ok(socket),
        Err(Error::Http(response)) => Err(response.status().as_u16()),
        Err(other) => panic!("{other}"),
    }
}

#[tokio::test]
async fn bytes_pass_both_ways_to_the_owners_port_and_no_one_elses() {
    let app = spawn_app().await;
    let (token, id) = user_with_environment(&app, "ada").await;
    // A line server: busybox nc answers each connection with what it reads, upper-cased.
    let serve = "sh -c 'while true; do nc -l -p 7000 -e tr a-z A-Z; done' >/dev/null 2>&1 &";
    let started = app
        .post(
            &format!("/api/containers/{id}/exec"),
            Some(&token),
            &json!({"command": ["sh", "-c", serve]}),
        )
        .await;
    assert_eq!(started.status(), 202);
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;

    let mut socket = open(&app, &token, &format!("/ws/port-forward/{id}/7000"))
        .await
        .expect("upgraded");
    socket
        .send(Message::binary(b"hello tunnel\n".to_vec()))
        .await
        .unwrap();
    let mut echoed = Vec::new();
    while !echoed.ends_with(b"\n") {
        match socket.next().await {
            Some(Ok(Message::Binary(bytes))) => echoed.extend_from_slice(&bytes),
            other => panic!("unexpected {other:?}"),
        }
    }
    assert_eq!(echoed, b"HELLO TUNNEL\n");

    let stranger = app.user_token("mallory").await;
    assert_eq!(
        open(&app, &stranger, &format!("/ws/port-forward/{id}/7000"))
            .await
            .err(),
        Some(404)
    );
    assert_eq!(
        open(&app, &token, &format!("/ws/port-forward/{id}/7001"))
            .await
            .err(),
        Some(502)
    );
    assert_eq!(
        open(&app, &token, &format!("/ws/port-forward/{id}/0"))
            .await
            .err(),
        Some(400)
    );
    let read_only = app.api_token(&token, &["read"]).await;
    let read_only = read_only["token"].as_str().unwrap();
    assert_eq!(
        open(&app, read_only, &format!("/ws/port-forward/{id}/7000"))
            .await
            .err(),
        Some(403)
    );

    // A paused environment is resumed for its owner's tunnel. The server answers one
    // connection at a time: the first one closes, and the server listens again.
    socket.close(None).await.unwrap();
    drop(socket);
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    app.pause(&token, &id).await;
    let mut socket = open(&app, &token, &format!("/ws/port-forward/{id}/7000"))
        .await
        .expect("upgraded after a resume");
    socket
        .send(Message::binary(b"awake\n".to_vec()))
        .await
        .unwrap();
    match tokio::time::timeout(std::time::Duration::from_secs(10), socket.next())
        .await
        .expect("a frozen app answers nothing")
    {
        Some(Ok(Message::Binary(bytes))) => assert!(bytes.starts_with(b"AWAKE"), "{bytes:?}"),
        other => panic!("unexpected {other:?}"),
    }
    assert_eq!(app.container(&token, &id).await.1["status"], "running");

    let stopped = app
        .post(
            &format!("/api/containers/{id}/stop"),
            Some(&token),
            &json!({}),
        )
        .await;
    assert!(stopped.status().is_success());
    app.wait_status(
        &token,
        &id,
        "stopped",
        crate::support::provisioning::READY_WITHIN,
    )
    .await;
    assert_eq!(
        open(&app, &token, &format!("/ws/port-forward/{id}/7000"))
            .await
            .err(),
        Some(409)
    );
}
