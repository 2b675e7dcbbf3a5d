//! A signed link to a port of a running environment serves what listens there, to whoever
//! holds it and only while it is valid.

use serde_json::{json, Value};

use crate::support::app::{assert_error, spawn_app, TestApp};
use crate::support::engine;
use crate::support::provisioning::user_with_environment;

/// Starts busybox's web server on port 8000 inside the environment, serving `page`.
fn serve(app: &TestApp, environment: &Value, page: &str) {
    let container = environment["docker_id"].as_str().unwrap();
    let started = engine::exec(
        &app.settings,
        container,
        &format!(
            "mkdir -p /tmp/www && printf '%s' '{page}' > /tmp/www/index.html && busybox httpd -p 8000 -h /tmp/www"
        ),
    );
    assert!(started.status.success(), "{started:?}");
}

async fn link(app: &TestApp, token: &str, id: &str, port: u16, body: Value) -> Value {
    let response = app
        .post(
            &format!("/api/containers/{id}/ports/{port}/link"),
            Some(token),
            &body,
        )
        .await;
    assert_eq!(response.status(), 201);
    response.json().await.unwrap()
}

#[tokio::test]
async fn a_preview_link_serves_the_environments_port_to_whoever_holds_it() {
    let app = spawn_app().await;
    let (token, id) = user_with_environment(&app, "web-dev").await;
    let (_, environment) = app.container(&token, &id).await;
    serve(&app, &environment, "hello from the environment");

    let preview = link(&app, &token, &id, 8000, json!({})).await;
    let path = preview["path"].as_str().unwrap();
    assert!(
        path.starts_with("/preview/") && path.ends_with('/'),
        "{preview}"
    );
    // No credentials: the link is the credential.
    let page = app.get(&format!("{path}index.html"), None).await;
    assert_eq!(page.status(), 200);
    assert_eq!(page.text().await.unwrap(), "hello from the environment");
    let missing = app.get(&format!("{path}nothing-here"), None).await;
    assert_eq!(missing.status(), 404, "the app's own answer passes through");

    // A closed port, a tampered link, an expired one.
    let closed = link(&app, &token, &id, 8001, json!({})).await;
    let closed = app.get(closed["path"].as_str().unwrap(), None).await;
    assert_error(closed, 502, "PREVIEW_UNREACHABLE").await;
    let tampered = path.replacen("/preview/e", "/preview/f", 1);
    assert_error(app.get(&tampered, None).await, 404, "PREVIEW_NOT_FOUND").await;
    let brief = link(&app, &token, &id, 8000, json!({"expires_in_seconds": 1})).await;
    tokio::time::sleep(std::time::Duration::from_millis(2100)).await;
    let expired = app.get(brief["path"].as_str().unwrap(), None).await;
    assert_error(expired, 404, "PREVIEW_NOT_FOUND").await;
}

#[tokio::test]
async fn only_the_owner_makes_links_and_a_stopped_environment_serves_nothing() {
    let app = spawn_app().await;
    let (token, id) = user_with_environment(&app, "owner").await;
    let stranger = app.user_token("stranger").await;
    let refused = app
        .post(
            &format!("/api/containers/{id}/ports/8000/link"),
            Some(&stranger),
            &json!({}),
        )
        .await;
    assert_error(refused, 404, "CONTAINER_NOT_FOUND").await;
    let bad = app
        .post(
            &format!("/api/containers/{id}/ports/8000/link"),
            Some(&token),
            &json!({"expires_in_seconds": 0}),
        )
        .await;
    assert_error(bad, 400, "INVALID_PREVIEW").await;

    let preview = link(&app, &token, &id, 8000, json!({})).await;
    let stopped = app
        .post(
            &format!("/api/containers/{id}/stop?timeout=1"),
            Some(&token),
            &json!({}),
        )
        .await;
    assert!(stopped.status().is_success());
    app.wait_status(&token, &id, "stopped", std::time::Duration::from_secs(30))
        .await;
    let page = app.get(preview["path"].as_str().unwrap(), None).await;
    assert_error(page, 409, "CONTAINER_NOT_RUNNING").await;
}
