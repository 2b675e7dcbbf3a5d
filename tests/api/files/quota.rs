//! The disk quota reached in the middle of an upload: 507, and no partial file left.

use futures_util::StreamExt;
use reqwest::Method;
use serde_json::json;

use super::{assert_absent, files_url};
use crate::support::app::{assert_error, spawn_app, TestApp};
use crate::support::engine;
use crate::support::provisioning::READY_WITHIN;

/// A user with a 1 GB environment whose quota is mostly taken from inside, so an upload
/// runs out part way.
async fn nearly_full(app: &TestApp, username: &str) -> (String, String) {
    let token = app.user_token(username).await;
    let created = app.create_busybox(&token, json!({"disk_mb": 1024})).await;
    let id = created["id"].as_str().unwrap().to_string();
    let env = app.wait_running(&token, &id, READY_WITHIN).await;
    let docker_id = env["docker_id"].as_str().unwrap();
    let filled = engine::exec(
        &app.settings,
        docker_id,
        "dd if=/dev/zero of=/root/ballast bs=1M count=850 2>/dev/null",
    );
    assert!(filled.status.success(), "{filled:?}");
    (token, id)
}

#[tokio::test]
async fn an_upload_that_fills_the_disk_quota_is_refused_and_leaves_nothing_behind() {
    let app = spawn_app().await;
    let (token, id) = nearly_full(&app, "filler").await;

    let size: usize = 300 * 1024 * 1024;
    let chunks = futures_util::stream::iter(0..size / (1024 * 1024))
        .map(|_| Ok::<_, std::io::Error>(vec![7u8; 1024 * 1024]));
    let response = app
        .request(Method::POST, &files_url(&id, ""), Some(&token))
        .query(&[("path", "/root/too-big.bin")])
        .header("Content-Type", "application/octet-stream")
        .header("Content-Length", size.to_string())
        .body(reqwest::Body::wrap_stream(chunks))
        .send()
        .await
        .unwrap();
    assert_error(response, 507, "DISK_QUOTA_EXCEEDED").await;
    assert_absent(&app, &token, &id, "/root/too-big.bin").await;
}

#[tokio::test]
async fn a_stopped_environment_refuses_an_upload_larger_than_its_room_before_writing_it() {
    let app = spawn_app().await;
    let (token, id) = nearly_full(&app, "stopped-filler").await;
    let stopped = app
        .post(
            &format!("/api/containers/{id}/stop?timeout=1"),
            Some(&token),
            &json!({}),
        )
        .await;
    assert!(stopped.status().is_success());
    app.wait_status(&token, &id, "stopped", READY_WITHIN).await;

    let upload = |megabytes: usize, name: &'static str| {
        let size = megabytes * 1024 * 1024;
        app.request(Method::POST, &files_url(&id, ""), Some(&token))
            .query(&[("path", name)])
            .header("Content-Type", "application/octet-stream")
            .header("Content-Length", size.to_string())
            .body(vec![7u8; size])
            .send()
    };
    assert_error(
        upload(300, "/root/too-big.bin").await.unwrap(),
        507,
        "DISK_QUOTA_EXCEEDED",
    )
    .await;
    assert_absent(&app, &token, &id, "/root/too-big.bin").await;
    // What fits still goes in.
    assert_eq!(upload(20, "/root/fits.bin").await.unwrap().status(), 200);
}
