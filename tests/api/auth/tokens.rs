use std::time::Duration;

use reqwest::Method;
use serde_json::{json, Value};

use crate::support::app::{assert_error, spawn_app};

#[tokio::test]
async fn a_token_is_shown_once_and_listed_by_prefix_only() {
    let app = spawn_app().await;
    let session = app.user_token("scripter").await;
    let created = app.api_token(&session, &["read", "write"]).await;
    let secret = created["token"].as_str().unwrap();
    assert!(secret.starts_with("sbx_"));
    assert!(secret.starts_with(created["prefix"].as_str().unwrap()));
    assert_eq!(created["scopes"], json!(["read", "write"]));

    let listed: Value = app
        .get("/api/tokens", Some(&session))
        .await
        .json()
        .await
        .unwrap();
    let listed = listed.as_array().unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0]["prefix"], created["prefix"]);
    assert!(!listed[0].to_string().contains(secret));
    assert!(listed[0]["last_used_at"].is_null());
    for field in ["id", "name", "scopes", "created_at", "expires_at"] {
        assert!(listed[0].get(field).is_some(), "{field} is listed");
    }
}

#[tokio::test]
async fn a_token_authenticates_and_records_its_last_use() {
    let app = spawn_app().await;
    let session = app.user_token("user1").await;
    let created = app.api_token(&session, &["read"]).await;
    let me = app.get("/api/me", created["token"].as_str()).await;
    assert_eq!(me.status(), 200);
    let me: Value = me.json().await.unwrap();
    assert_eq!(me["user"]["username"], "user1");
    assert_eq!(me["scopes"], json!(["read"]));
    let mut last_used = Value::Null;
    for _ in 0..50 {
        let listed: Value = app
            .get("/api/tokens", Some(&session))
            .await
            .json()
            .await
            .unwrap();
        last_used = listed[0]["last_used_at"].clone();
        if !last_used.is_null() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(last_used.is_string(), "last use was recorded");
}

#[tokio::test]
async fn scopes_allow_and_deny_per_route() {
    let app = spawn_app().await;
    let session = app.user_token("scoped").await;
    let read_only = app.api_token(&session, &["read"]).await;
    let read_only = read_only["token"].as_str().unwrap();
    let write_only = app.api_token(&session, &["write"]).await;
    let write_only = write_only["token"].as_str().unwrap();

    assert_eq!(app.get("/api/me", Some(read_only)).await.status(), 200);
    assert_eq!(app.get("/api/tokens", Some(read_only)).await.status(), 200);
    let create = json!({"name": "x", "scopes": ["read"]});
    let body = assert_error(
        app.post("/api/tokens", Some(read_only), &create).await,
        403,
        "INSUFFICIENT_SCOPE",
    )
    .await;
    assert_eq!(body["required_scope"], "write");

    assert_error(
        app.get("/api/me", Some(write_only)).await,
        403,
        "INSUFFICIENT_SCOPE",
    )
    .await;
    // A credential cannot mint a token with a scope it lacks.
    assert_error(
        app.post("/api/tokens", Some(write_only), &create).await,
        403,
        "INSUFFICIENT_SCOPE",
    )
    .await;
    let write = json!({"name": "x", "scopes": ["write"]});
    assert_eq!(
        app.post("/api/tokens", Some(write_only), &write)
            .await
            .status(),
        201
    );
}

#[tokio::test]
async fn only_admins_may_create_admin_tokens() {
    let app = spawn_app().await;
    let user = app.user_token("plain").await;
    let admin_scope = json!({"name": "x", "scopes": ["admin"]});
    assert_error(
        app.post("/api/tokens", Some(&user), &admin_scope).await,
        403,
        "INSUFFICIENT_SCOPE",
    )
    .await;
    let admin = app.admin_token().await;
    let created = app.api_token(&admin, &["admin", "read"]).await;
    assert_eq!(created["scopes"], json!(["admin", "read"]));
}

#[tokio::test]
async fn a_revoked_token_stops_working_at_once() {
    let app = spawn_app().await;
    let session = app.user_token("revoker").await;
    let created = app.api_token(&session, &["read"]).await;
    let secret = created["token"].as_str().unwrap();
    assert_eq!(app.get("/api/me", Some(secret)).await.status(), 200);
    let path = format!("/api/tokens/{}", created["id"].as_str().unwrap());
    assert_eq!(app.delete(&path, Some(&session)).await.status(), 204);
    assert_error(app.get("/api/me", Some(secret)).await, 401, "UNAUTHORIZED").await;
    let listed: Value = app
        .get("/api/tokens", Some(&session))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(listed, json!([]));
    assert_error(
        app.delete(&path, Some(&session)).await,
        404,
        "TOKEN_NOT_FOUND",
    )
    .await;
}

#[tokio::test]
async fn another_users_tokens_are_invisible_and_untouchable() {
    let app = spawn_app().await;
    let owner = app.user_token("owner").await;
    let intruder = app.user_token("intruder").await;
    let created = app.api_token(&owner, &["read"]).await;
    let listed: Value = app
        .get("/api/tokens", Some(&intruder))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(listed, json!([]));
    let path = format!("/api/tokens/{}", created["id"].as_str().unwrap());
    assert_error(
        app.delete(&path, Some(&intruder)).await,
        404,
        "TOKEN_NOT_FOUND",
    )
    .await;
    assert_error(
        app.delete("/api/tokens/not-a-uuid", Some(&intruder)).await,
        404,
        "TOKEN_NOT_FOUND",
    )
    .await;
    assert_eq!(
        app.get("/api/me", created["token"].as_str()).await.status(),
        200
    );
}

#[tokio::test]
async fn token_requests_are_validated() {
    let app = spawn_app().await;
    let session = app.user_token("validator").await;
    let cases = [
        (json!({"name": "", "scopes": ["read"]}), "VALIDATION_FAILED"),
        (
            json!({"name": "x".repeat(65), "scopes": ["read"]}),
            "VALIDATION_FAILED",
        ),
        (json!({"name": "x", "scopes": []}), "VALIDATION_FAILED"),
        (
            json!({"name": "x", "scopes": ["read"], "expires_in_days": 0}),
            "VALIDATION_FAILED",
        ),
        (json!({"name": "x", "scopes": ["root"]}), "INVALID_JSON"),
    ];
    for (body, code) in cases {
        let response = app.post("/api/tokens", Some(&session), &body).await;
        assert_error(response, 400, code).await;
    }
    let expiring = json!({"name": "x", "scopes": ["read"], "expires_in_days": 7});
    let created: Value = app
        .post("/api/tokens", Some(&session), &expiring)
        .await
        .json()
        .await
        .unwrap();
    assert!(created["expires_at"].is_string());
}

#[tokio::test]
async fn tokens_work_in_the_authorization_header_only_on_the_api() {
    let app = spawn_app().await;
    let session = app.user_token("queryuser").await;
    let response = app
        .request(Method::GET, &format!("/api/me?token={session}"), None)
        .send()
        .await
        .unwrap();
    assert_error(response, 401, "UNAUTHORIZED").await;
}
