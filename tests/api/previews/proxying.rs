//! What passes through a preview: the app sees its own host and where the request came
//! from, but nothing of sandboxd's credentials; bodies, redirects, server-sent events and
//! WebSockets go through as they are.

use std::time::{Duration, Instant};

use futures_util::{SinkExt, StreamExt};
use reqwest::Method;
use serde_json::Value;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::Message;

use super::site::{at_host, preview_host, python_site, seen, Site};
use crate::support::app::{spawn_app, TestApp};
use crate::support::engine;

const HEADER: &str = "x-sandboxd-preview-token";

fn owner(app: &TestApp, site: &Site, method: Method, path: &str) -> reqwest::RequestBuilder {
    at_host(app, &site.id, 8000, method, path).header(HEADER, site.token.as_str())
}

#[tokio::test]
async fn the_app_sees_its_own_host_and_bodies_redirects_and_events_pass_through() {
    let app = spawn_app().await;
    let site = python_site(&app, "proxied").await;
    let host = preview_host(&app, &site.id, 8000);

    let request = owner(&app, &site, Method::GET, "/headers")
        .header("cookie", "theme=dark; sandboxd_preview=not-for-the-app")
        .header("x-forwarded-for", "203.0.113.99");
    let page = seen(request.send().await.unwrap()).await;
    let headers = &page["headers"];
    assert_eq!(headers["host"], host.as_str());
    assert_eq!(headers["x-forwarded-host"], host.as_str());
    assert_eq!(headers["x-forwarded-proto"], "http");
    assert_eq!(
        headers["x-forwarded-for"], "127.0.0.1",
        "not the caller's claim"
    );
    assert_eq!(
        headers["cookie"], "theme=dark",
        "sandboxd's own cookie is kept back"
    );
    assert!(headers.get(HEADER).is_none());

    // A binary body with its length, and the answer's length kept.
    let body: Vec<u8> = (0..1_000_000u32).map(|n| (n % 251) as u8).collect();
    let echoed = owner(&app, &site, Method::POST, "/echo")
        .body(body.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(echoed.status(), 200);
    assert_eq!(echoed.content_length(), Some(body.len() as u64));
    assert!(echoed.bytes().await.unwrap() == body);

    // The browser follows redirects, not the proxy.
    let redirect = owner(&app, &site, Method::GET, "/redirect")
        .send()
        .await
        .unwrap();
    assert_eq!(redirect.status(), 302);
    assert_eq!(redirect.headers()["location"], "/elsewhere");

    // Events arrive as sent, one a second, not when the stream ends.
    let started = Instant::now();
    let mut events = owner(&app, &site, Method::GET, "/sse")
        .send()
        .await
        .unwrap();
    assert_eq!(events.headers()["content-type"], "text/event-stream");
    let first = events.chunk().await.unwrap().unwrap();
    let first_after = started.elapsed();
    assert!(String::from_utf8_lossy(&first).contains("tick 0"));
    let mut rest = Vec::new();
    while let Some(chunk) = events.chunk().await.unwrap() {
        rest.extend_from_slice(&chunk);
    }
    assert!(String::from_utf8_lossy(&rest).contains("tick 2"));
    assert!(
        first_after < Duration::from_millis(1500) && started.elapsed() >= Duration::from_secs(2),
        "first event after {first_after:?}, stream over after {:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn a_websocket_echoes_through_both_forms_for_the_owner_only() {
    let app = spawn_app().await;
    let site = python_site(&app, "socketeer").await;
    let ws_address = app.address.replacen("http://", "ws://", 1);
    let connect = |path: String, host: Option<String>, token: Option<String>| async move {
        let mut request = path.into_client_request().unwrap();
        if let Some(host) = host {
            request.headers_mut().insert("host", host.parse().unwrap());
        }
        if let Some(token) = token {
            request.headers_mut().insert(HEADER, token.parse().unwrap());
        }
        tokio_tungstenite::connect_async(request).await
    };
    let host = Some(preview_host(&app, &site.id, 8000));
    let forms = [
        (format!("{ws_address}/ws"), host.clone()),
        (format!("{ws_address}/preview/{}/8000/ws", site.id), None),
    ];
    for (url, host) in forms {
        let (mut socket, _) = connect(url.clone(), host.clone(), Some(site.token.clone()))
            .await
            .unwrap_or_else(|err| panic!("{url}: {err}"));
        for text in ["hello", "again"] {
            socket.send(Message::text(text)).await.unwrap();
            let answer = tokio::time::timeout(Duration::from_secs(10), socket.next())
                .await
                .expect("an answer")
                .unwrap()
                .unwrap();
            assert_eq!(
                answer.into_text().unwrap().as_str(),
                format!("echo: {text}")
            );
        }
        socket.close(None).await.unwrap();
        let refused = connect(url, host, None).await;
        assert!(refused.is_err(), "no credentials, no socket");
    }
}

#[tokio::test]
async fn the_ports_list_shows_what_listens_now_and_whether_a_preview_can_reach_it() {
    let app = spawn_app().await;
    let site = python_site(&app, "lister").await;
    let loopback = engine::exec(
        &app.settings,
        &site.docker_id,
        "nohup python3 -m http.server --bind 127.0.0.1 9000 >/dev/null 2>&1 & \
         for i in $(seq 100); do python3 -c \"import socket; socket.create_connection(('127.0.0.1', 9000))\" 2>/dev/null && exit 0; sleep 0.1; done; exit 1",
    );
    assert!(loopback.status.success(), "{loopback:?}");
    let listed: Value = app
        .get(
            &format!("/api/containers/{}/ports", site.id),
            Some(&site.token),
        )
        .await
        .json()
        .await
        .unwrap();
    let port = |number: u16| {
        listed["ports"]
            .as_array()
            .unwrap()
            .iter()
            .find(|port| port["port"] == number)
            .unwrap_or_else(|| panic!("{number} in {listed}"))
            .clone()
    };
    let app_port = port(8000);
    assert_eq!(app_port["listening"], true);
    assert_eq!(app_port["reachable"], true);
    assert_eq!(app_port["public"], false);
    let url = app_port["url"].as_str().unwrap();
    assert!(
        url.starts_with(&format!("http://{}", preview_host(&app, &site.id, 8000))),
        "{url}"
    );
    assert_eq!(app_port["path"], format!("/preview/{}/8000/", site.id));
    let hidden = port(9000);
    assert_eq!(
        hidden["reachable"], false,
        "bound to the loopback: {hidden}"
    );
    assert!(port(8001)["listening"] == true);
    assert_eq!(listed["count"], listed["ports"].as_array().unwrap().len());
}
