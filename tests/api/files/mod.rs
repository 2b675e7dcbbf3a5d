//! Files in an environment: round trips of binary content under awkward names, bad input,
//! who may touch what, and memory staying flat while large files stream through.

mod bad_input;
mod large;
mod listing;
mod quota;
mod round_trip;

use reqwest::{Method, Response};
use serde_json::{json, Value};

use crate::support::app::TestApp;

pub fn files_url(id: &str, tail: &str) -> String {
    format!("/api/containers/{id}/files{tail}")
}

/// `method` on `/files{tail}` with `?path=` (and more) encoded properly.
pub async fn call(
    app: &TestApp,
    method: Method,
    token: &str,
    id: &str,
    tail: &str,
    query: &[(&str, &str)],
) -> Response {
    app.request(method, &files_url(id, tail), Some(token))
        .query(query)
        .send()
        .await
        .unwrap()
}

/// Asserts nothing is at `path` in the environment: its stat is 404 `FILE_NOT_FOUND`.
pub async fn assert_absent(app: &TestApp, token: &str, id: &str, path: &str) {
    let response = call(app, Method::GET, token, id, "/stat", &[("path", path)]).await;
    crate::support::app::assert_error(response, 404, "FILE_NOT_FOUND").await;
}

/// A raw upload of `bytes` to the exact path `path`.
pub async fn put_raw(app: &TestApp, token: &str, id: &str, path: &str, bytes: Vec<u8>) -> Response {
    app.request(Method::POST, &files_url(id, ""), Some(token))
        .query(&[("path", path)])
        .header("Content-Type", "application/octet-stream")
        .body(bytes)
        .send()
        .await
        .unwrap()
}

/// Runs a command in the environment through the API and returns its stdout.
pub async fn run(app: &TestApp, token: &str, id: &str, command: &[&str]) -> String {
    let response = app
        .post(
            &format!("/api/containers/{id}/exec"),
            Some(token),
            &json!({ "command": command }),
        )
        .await;
    assert_eq!(response.status(), 202);
    let job: Value = response.json().await.unwrap();
    job["results"][0]["stdout"].as_str().unwrap().to_string()
}

/// Every byte value, repeated: what a text-only path would mangle.
pub fn binary(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i * 7 % 256) as u8).collect()
}
