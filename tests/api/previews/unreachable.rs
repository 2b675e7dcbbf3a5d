//! A closed port or a stopped environment answers at once with a small page saying so.

use std::time::Duration;

use reqwest::{Method, Response};
use serde_json::json;

use super::site::{at_host, python_site};
use crate::support::app::spawn_app;

async fn assert_page(response: Response, status: u16, says: &str) {
    assert_eq!(response.status(), status);
    assert!(response.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/html"));
    let page = response.text().await.unwrap();
    assert!(page.contains(says), "{page}");
}

#[tokio::test]
async fn a_closed_port_and_a_stopped_environment_answer_502_pages() {
    let app = spawn_app().await;
    let site = python_site(&app, "sleeper").await;
    let request = |port: u16| {
        at_host(&app, &site.id, port, Method::GET, "/")
            .header("x-sandboxd-preview-token", site.token.as_str())
            .send()
    };
    let started = std::time::Instant::now();
    assert_page(
        request(8999).await.unwrap(),
        502,
        "Nothing answers on this port",
    )
    .await;
    assert!(started.elapsed() < Duration::from_secs(5), "no hang");

    let stopped = app
        .post(
            &format!("/api/containers/{}/stop?timeout=1", site.id),
            Some(&site.token),
            &json!({}),
        )
        .await;
    assert!(stopped.status().is_success());
    app.wait_status(&site.token, &site.id, "stopped", Duration::from_secs(30))
        .await;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    loop {
        let response = request(8000).await.unwrap();
        if response.status() == 502 {
            let page = response.text().await.unwrap();
            if page.contains("not running") {
                break;
            }
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "still served after the stop"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}
