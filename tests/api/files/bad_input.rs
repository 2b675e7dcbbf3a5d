//! Refusals: bad paths, missing files, other tenants, scopes, size limits and stopped
//! environments.

use reqwest::Method;
use serde_json::json;

use super::{assert_absent, call, files_url, put_raw};
use crate::support::app::{assert_error, spawn_app, spawn_app_with};
use crate::support::provisioning::user_with_environment;

#[tokio::test]
async fn relative_climbing_and_nul_paths_are_invalid_and_missing_files_are_not_found() {
    let app = spawn_app().await;
    let (token, id) = user_with_environment(&app, "careless").await;
    for bad in ["relative/path", "/../etc", "/a/../../b", "/etc\0passwd", ""] {
        for tail in ["", "/list", "/stat"] {
            let response = call(&app, Method::GET, &token, &id, tail, &[("path", bad)]).await;
            assert_error(response, 400, "INVALID_PATH").await;
        }
        let response = put_raw(&app, &token, &id, bad, b"x".to_vec()).await;
        assert_error(response, 400, "INVALID_PATH").await;
        let response = app
            .post(
                &files_url(&id, "/mkdir"),
                Some(&token),
                &json!({"path": bad}),
            )
            .await;
        assert_error(response, 400, "INVALID_PATH").await;
    }
    for tail in ["", "/list", "/stat"] {
        let response = call(
            &app,
            Method::GET,
            &token,
            &id,
            tail,
            &[("path", "/no/such")],
        )
        .await;
        assert_error(response, 404, "FILE_NOT_FOUND").await;
    }
    let response = call(
        &app,
        Method::DELETE,
        &token,
        &id,
        "",
        &[("path", "/no/such")],
    )
    .await;
    assert_error(response, 404, "FILE_NOT_FOUND").await;
    let response = app
        .post(
            &files_url(&id, "/move"),
            Some(&token),
            &json!({"from": "/no/such", "to": "/tmp/x"}),
        )
        .await;
    assert_error(response, 404, "FILE_NOT_FOUND").await;
    let response = call(
        &app,
        Method::GET,
        &token,
        &id,
        "/list",
        &[("path", "/etc/hostname")],
    )
    .await;
    assert_error(response, 400, "NOT_A_DIRECTORY").await;
    let response = call(&app, Method::DELETE, &token, &id, "", &[("path", "/")]).await;
    assert_error(response, 400, "INVALID_PATH").await;
    // A file does not replace a directory, nor go under a file.
    for in_the_way in ["/root", "/etc/hostname/below"] {
        let response = put_raw(&app, &token, &id, in_the_way, b"x".to_vec()).await;
        assert_error(response, 409, "FILE_OPERATION_REFUSED").await;
    }
    let response = call(
        &app,
        Method::GET,
        &token,
        &id,
        "/stat",
        &[("path", "/root")],
    )
    .await;
    assert_eq!(
        response.json::<serde_json::Value>().await.unwrap()["is_dir"],
        true
    );
}

#[tokio::test]
async fn another_tenant_gets_not_found_and_a_read_token_cannot_write() {
    let app = spawn_app().await;
    let (token, id) = user_with_environment(&app, "owner").await;
    let stranger = app.user_token("stranger").await;
    for (method, tail) in [
        (Method::GET, ""),
        (Method::GET, "/list"),
        (Method::GET, "/stat"),
        (Method::DELETE, ""),
    ] {
        let response = call(
            &app,
            method,
            &stranger,
            &id,
            tail,
            &[("path", "/etc/hostname")],
        )
        .await;
        assert_error(response, 404, "CONTAINER_NOT_FOUND").await;
    }
    let response = put_raw(&app, &stranger, &id, "/tmp/planted", b"x".to_vec()).await;
    assert_error(response, 404, "CONTAINER_NOT_FOUND").await;

    let reader = app.api_token(&token, &["read"]).await["token"]
        .as_str()
        .unwrap()
        .to_string();
    let response = call(
        &app,
        Method::GET,
        &reader,
        &id,
        "/stat",
        &[("path", "/etc/hostname")],
    )
    .await;
    assert_eq!(response.status(), 200);
    let response = put_raw(&app, &reader, &id, "/tmp/x", b"x".to_vec()).await;
    assert_error(response, 403, "INSUFFICIENT_SCOPE").await;
}

#[tokio::test]
async fn a_body_over_the_limit_is_refused_whether_its_length_is_declared_or_not() {
    let app = spawn_app_with(|s| s.files.max_upload_bytes = 1024 * 1024).await;
    let (token, id) = user_with_environment(&app, "hoarder").await;
    let response = put_raw(&app, &token, &id, "/tmp/big", vec![1; 1024 * 1024 + 1]).await;
    assert_error(response, 413, "PAYLOAD_TOO_LARGE").await;
    // Chunked, so only counting finds it.
    let chunks: Vec<Result<Vec<u8>, std::io::Error>> =
        (0..20).map(|_| Ok(vec![2; 64 * 1024])).collect();
    let response = app
        .request(Method::POST, &files_url(&id, ""), Some(&token))
        .query(&[("path", "/tmp/big")])
        .header("Content-Type", "application/octet-stream")
        .body(reqwest::Body::wrap_stream(futures_util::stream::iter(
            chunks,
        )))
        .send()
        .await
        .unwrap();
    assert_error(response, 413, "PAYLOAD_TOO_LARGE").await;
    assert_absent(&app, &token, &id, "/tmp/big").await;
}

#[tokio::test]
async fn a_stopped_environment_can_be_read_and_written_but_not_have_files_deleted_or_moved() {
    let app = spawn_app().await;
    let (token, id) = user_with_environment(&app, "sleeper").await;
    let response = app
        .request(
            Method::POST,
            &format!("/api/containers/{id}/stop?timeout=1"),
            Some(&token),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 202);
    app.wait_status(&token, &id, "stopped", std::time::Duration::from_secs(30))
        .await;

    let response = put_raw(
        &app,
        &token,
        &id,
        "/root/offline.txt",
        b"written while stopped".to_vec(),
    )
    .await;
    assert_eq!(response.status(), 200);
    let response = call(
        &app,
        Method::GET,
        &token,
        &id,
        "",
        &[("path", "/root/offline.txt")],
    )
    .await;
    assert_eq!(
        response.bytes().await.unwrap().as_ref(),
        b"written while stopped"
    );
    let response = call(
        &app,
        Method::GET,
        &token,
        &id,
        "/list",
        &[("path", "/root")],
    )
    .await;
    assert_eq!(response.status(), 200);
    let response = call(
        &app,
        Method::DELETE,
        &token,
        &id,
        "",
        &[("path", "/root/offline.txt")],
    )
    .await;
    assert_error(response, 409, "CONTAINER_NOT_RUNNING").await;
    let response = app
        .post(
            &files_url(&id, "/move"),
            Some(&token),
            &json!({"from": "/root/offline.txt", "to": "/root/y"}),
        )
        .await;
    assert_error(response, 409, "CONTAINER_NOT_RUNNING").await;
}
