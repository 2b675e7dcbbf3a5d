//! `/api/ssh-keys`: add, list, delete; the fingerprint ssh-keygen prints; bad keys,
//! duplicates, strangers and scopes.

use serde_json::{json, Value};
use tokio::process::Command;

use super::{text, SshUser};
use crate::support::app::{assert_error, spawn_app};

#[tokio::test]
async fn a_key_is_added_listed_with_the_fingerprint_ssh_keygen_prints_and_deleted() {
    let app = spawn_app().await;
    let token = app.user_token("keyholder").await;
    let user = SshUser::new(&app).await;
    let added = user.register(&app, &token).await;
    assert_eq!(added["name"], "test key");
    assert_eq!(added["algorithm"], "ssh-ed25519");
    let printed = Command::new("ssh-keygen")
        .args(["-l", "-E", "sha256", "-f"])
        .arg(user.dir().join("id.pub"))
        .output()
        .await
        .unwrap();
    let fingerprint = added["fingerprint"].as_str().unwrap();
    assert!(
        text(&printed.stdout).contains(fingerprint),
        "{printed:?} vs {added}"
    );
    assert!(!added["public_key"]
        .as_str()
        .unwrap()
        .contains("tester@sandboxd"));

    let listed: Value = app
        .get("/api/ssh-keys", Some(&token))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(listed.as_array().unwrap().len(), 1);
    assert_eq!(listed[0]["id"], added["id"]);
    assert!(listed[0]["last_used_at"].is_null());

    let id = added["id"].as_str().unwrap();
    let deleted = app
        .delete(&format!("/api/ssh-keys/{id}"), Some(&token))
        .await;
    assert_eq!(deleted.status(), 204);
    let listed: Value = app
        .get("/api/ssh-keys", Some(&token))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(listed, json!([]));
}

#[tokio::test]
async fn what_is_not_a_public_key_is_refused_with_the_field_named() {
    let app = spawn_app().await;
    let token = app.user_token("typo").await;
    for (body, field) in [
        (
            json!({"name": "k", "public_key": "ssh-ed25519 AAAA-not-base64"}),
            "public_key",
        ),
        (
            json!({"name": "k", "public_key": "-----BEGIN OPENSSH PRIVATE KEY-----"}),
            "public_key",
        ),
        (
            json!({"name": "", "public_key": "ssh-ed25519 AAAA"}),
            "name",
        ),
    ] {
        let response = app.post("/api/ssh-keys", Some(&token), &body).await;
        let refused = assert_error(response, 400, "VALIDATION_FAILED").await;
        assert!(refused["details"]["fields"][field].is_array(), "{refused}");
    }
    let response = app
        .post("/api/ssh-keys", Some(&token), &json!({"name": "k"}))
        .await;
    assert_eq!(response.status(), 400);
}

#[tokio::test]
async fn a_key_belongs_to_one_user_only() {
    let app = spawn_app().await;
    let first = app.user_token("first").await;
    let second = app.user_token("second").await;
    let user = SshUser::new(&app).await;
    user.register(&app, &first).await;
    let body = json!({"name": "again", "public_key": user.public_key()});
    for token in [&first, &second] {
        let response = app.post("/api/ssh-keys", Some(token), &body).await;
        assert_error(response, 409, "SSH_KEY_EXISTS").await;
    }
}

#[tokio::test]
async fn a_strangers_key_cannot_be_seen_or_deleted() {
    let app = spawn_app().await;
    let owner = app.user_token("owner").await;
    let stranger = app.user_token("stranger").await;
    let added = SshUser::new(&app).await.register(&app, &owner).await;
    let id = added["id"].as_str().unwrap();
    let response = app
        .delete(&format!("/api/ssh-keys/{id}"), Some(&stranger))
        .await;
    assert_error(response, 404, "SSH_KEY_NOT_FOUND").await;
    let listed: Value = app
        .get("/api/ssh-keys", Some(&stranger))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(listed, json!([]));
    let listed: Value = app
        .get("/api/ssh-keys", Some(&owner))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(listed.as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn listing_needs_read_adding_needs_write_and_exec_and_deleting_needs_write() {
    let app = spawn_app().await;
    let session = app.user_token("scoped").await;
    let reader = app.api_token(&session, &["read"]).await;
    let reader = reader["token"].as_str().unwrap();
    let user = SshUser::new(&app).await;
    assert_eq!(app.get("/api/ssh-keys", Some(reader)).await.status(), 200);
    let body = json!({"name": "k", "public_key": user.public_key()});
    let response = app.post("/api/ssh-keys", Some(reader), &body).await;
    assert_error(response, 403, "INSUFFICIENT_SCOPE").await;
    // A key opens shells: a token that may not exec cannot give itself one that way.
    let writer = app.api_token(&session, &["read", "write"]).await;
    let response = app
        .post("/api/ssh-keys", writer["token"].as_str(), &body)
        .await;
    assert_error(response, 403, "INSUFFICIENT_SCOPE").await;
    let added = user.register(&app, &session).await;
    let id = added["id"].as_str().unwrap();
    let response = app
        .delete(&format!("/api/ssh-keys/{id}"), Some(reader))
        .await;
    assert_error(response, 403, "INSUFFICIENT_SCOPE").await;
    let response = app.get("/api/ssh-keys", None).await;
    assert_error(response, 401, "UNAUTHORIZED").await;
}
