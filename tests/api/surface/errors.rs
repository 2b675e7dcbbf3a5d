use reqwest::Method;
use serde_json::json;

use crate::support::app::{assert_error, spawn_app, spawn_app_with};

#[tokio::test]
async fn an_unknown_route_gets_the_error_body() {
    let app = spawn_app().await;
    let body = assert_error(
        app.get("/api/nothing-here", None).await,
        404,
        "ROUTE_NOT_FOUND",
    )
    .await;
    assert!(body["error"]
        .as_str()
        .unwrap()
        .contains("/api/nothing-here"));
}

#[tokio::test]
async fn a_wrong_method_gets_the_error_body() {
    let app = spawn_app().await;
    let response = app
        .request(Method::PUT, "/api/tokens", None)
        .send()
        .await
        .unwrap();
    assert_error(response, 405, "METHOD_NOT_ALLOWED").await;
}

#[tokio::test]
async fn malformed_json_gets_the_error_body() {
    let app = spawn_app().await;
    let response = app
        .request(Method::POST, "/api/auth/register", None)
        .header("content-type", "application/json")
        .body("{\"email\": ")
        .send()
        .await
        .unwrap();
    assert_error(response, 400, "INVALID_JSON").await;
}

#[tokio::test]
async fn a_wrong_content_type_gets_the_error_body() {
    let app = spawn_app().await;
    let response = app
        .request(Method::POST, "/api/auth/login", None)
        .header("content-type", "text/plain")
        .body("login=ada")
        .send()
        .await
        .unwrap();
    assert_error(response, 415, "UNSUPPORTED_MEDIA_TYPE").await;
}

#[tokio::test]
async fn an_oversized_body_gets_the_error_body() {
    let app = spawn_app_with(|settings| settings.max_body_bytes = 1024).await;
    let huge = json!({"login": "x".repeat(4096), "password": "y"});
    let response = app.post("/api/auth/login", None, &huge).await;
    assert_error(response, 413, "PAYLOAD_TOO_LARGE").await;
}

#[tokio::test]
async fn a_nul_character_in_any_text_is_the_requests_fault() {
    let app = spawn_app().await;
    let response = app
        .post(
            "/api/auth/login",
            None,
            &json!({"login": "ada\u{0}", "password": "whatever-it-is"}),
        )
        .await;
    assert_error(response, 400, "INVALID_TEXT").await;
    let session = app.user_token("nul").await;
    let response = app
        .post(
            "/api/tokens",
            Some(&session),
            &json!({"name": "ci\u{0}", "scopes": ["read"]}),
        )
        .await;
    assert_error(response, 400, "INVALID_TEXT").await;
}
