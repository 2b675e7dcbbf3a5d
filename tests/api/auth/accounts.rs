use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use serde_json::{json, Value};

use crate::support::app::{assert_error, spawn_app, spawn_app_with};

#[tokio::test]
async fn register_creates_a_free_account_without_exposing_the_hash() {
    let app = spawn_app().await;
    let user = app.register("ada").await;
    assert_eq!(user["username"], "ada");
    assert_eq!(user["email"], "ada@example.com");
    assert_eq!(user["tier"], "free");
    assert_eq!(user["role"], "user");
    assert!(!user.to_string().contains("argon2"));
}

#[tokio::test]
async fn every_validation_rule_is_enforced() {
    let app = spawn_app().await;
    let good = json!({"email": "ok@example.com", "username": "okname", "password": "long enough"});
    let cases = [
        ("email", json!("not-an-email")),
        ("email", json!(format!("{}@example.com", "a".repeat(250)))),
        ("username", json!("ab")),
        ("username", json!("1starts-with-digit")),
        ("username", json!("has space")),
        ("username", json!("guest-reserved")),
        ("username", json!("x".repeat(33))),
        ("password", json!("short")),
        ("password", json!("p".repeat(129))),
    ];
    for (field, value) in cases {
        let mut body = good.clone();
        body[field] = value.clone();
        let response = app.post("/api/auth/register", None, &body).await;
        let error = assert_error(response, 400, "VALIDATION_FAILED").await;
        assert!(
            error["details"]["fields"].get(field).is_some(),
            "{field}={value} should be named in {error}"
        );
    }
    let mut missing = good.clone();
    missing.as_object_mut().unwrap().remove("password");
    let response = app.post("/api/auth/register", None, &missing).await;
    let error = assert_error(response, 400, "INVALID_JSON").await;
    assert!(error["error"].as_str().unwrap().contains("password"));
}

#[tokio::test]
async fn a_taken_email_or_username_is_a_conflict_whatever_its_case() {
    let app = spawn_app().await;
    app.register("grace").await;
    let same_email =
        json!({"email": "GRACE@example.com", "username": "other", "password": "long enough"});
    let response = app.post("/api/auth/register", None, &same_email).await;
    assert_error(response, 409, "EMAIL_TAKEN").await;
    let same_name =
        json!({"email": "new@example.com", "username": "Grace", "password": "long enough"});
    let response = app.post("/api/auth/register", None, &same_name).await;
    assert_error(response, 409, "USERNAME_TAKEN").await;
}

#[tokio::test]
async fn login_by_email_or_username_gives_a_working_token_with_an_expiry() {
    let app = spawn_app().await;
    app.register("linus").await;
    for login in ["linus@example.com", "LINUS"] {
        let response = app.login(login, "correct horse battery").await;
        assert_eq!(response.status(), 200);
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["token_type"], "Bearer");
        let expires: DateTime<Utc> = body["expires_at"].as_str().unwrap().parse().unwrap();
        assert!(expires > Utc::now() + chrono::Duration::hours(23));
        let me = app.get("/api/me", body["token"].as_str()).await;
        assert_eq!(me.status(), 200);
    }
}

#[tokio::test]
async fn a_wrong_user_and_a_wrong_password_look_the_same() {
    let app = spawn_app().await;
    app.register("alan").await;
    let mut wrong_password = Vec::new();
    let mut wrong_user = Vec::new();
    // Seven of each, taken in turns (under the lockout's ten failures a minute), compared by
    // their fastest: load beside the test only ever adds time, so the minimum is the cost.
    for _ in 0..7 {
        let started = Instant::now();
        let response = app.login("alan", "not the password").await;
        wrong_password.push(started.elapsed());
        let first = assert_error(response, 401, "INVALID_CREDENTIALS").await;
        let started = Instant::now();
        let response = app.login("nobody-here", "not the password").await;
        wrong_user.push(started.elapsed());
        let second = assert_error(response, 401, "INVALID_CREDENTIALS").await;
        assert_eq!(first, second);
    }
    let (password, user) = (fastest(&wrong_password), fastest(&wrong_user));
    // Both pay for one argon2 verification; without the decoy hash an unknown user would
    // answer many times faster.
    assert!(
        user * 2 > password && password * 2 > user,
        "wrong password {wrong_password:?} vs wrong user {wrong_user:?}"
    );
}

fn fastest(samples: &[Duration]) -> Duration {
    samples.iter().min().copied().unwrap()
}

#[tokio::test]
async fn a_guest_gets_a_guest_account_that_expires_with_the_tier_limit() {
    let app = spawn_app().await;
    let response = app.post("/api/auth/guest", None, &json!({})).await;
    assert_eq!(response.status(), 201);
    let session: Value = response.json().await.unwrap();
    assert_eq!(session["user"]["tier"], "guest");
    assert_eq!(session["user"]["is_guest"], true);
    let expires: DateTime<Utc> = session["user"]["expires_at"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    let lifetime = expires - Utc::now();
    assert!(lifetime > chrono::Duration::minutes(59) && lifetime <= chrono::Duration::hours(1));
    let me: Value = app
        .get("/api/me", session["token"].as_str())
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(me["tier"]["name"], "guest");
    assert_eq!(
        me["usage"],
        json!({"containers_used": 0, "containers_allowed": 1})
    );
}

#[tokio::test]
async fn logout_stops_the_token_at_once() {
    let app = spawn_app().await;
    let token = app.user_token("barbara").await;
    assert_eq!(app.get("/api/me", Some(&token)).await.status(), 200);
    let response = app.post("/api/auth/logout", Some(&token), &json!({})).await;
    assert_eq!(response.status(), 204);
    let response = app.get("/api/me", Some(&token)).await;
    assert_error(response, 401, "UNAUTHORIZED").await;
}

#[tokio::test]
async fn me_shows_the_user_their_tier_limits_and_usage() {
    let app = spawn_app().await;
    let token = app.user_token("donald").await;
    let me = app.me(&token).await;
    assert_eq!(me["user"]["username"], "donald");
    assert_eq!(me["tier"]["name"], "free");
    assert_eq!(me["tier"]["max_containers"], 5);
    assert_eq!(me["tier"]["memory_mb_max"], 4096);
    assert_eq!(me["tier"]["cpu_millicores_default"], 2000);
    assert_eq!(me["tier"]["disk_mb_max"], 16384);
    assert_eq!(me["tier"]["session_limit_seconds"], 50 * 3600);
    assert_eq!(
        me["usage"],
        json!({"containers_used": 0, "containers_allowed": 5})
    );
    assert_eq!(me["scopes"], json!(["read", "write", "exec"]));
}

#[tokio::test]
async fn the_configured_admin_is_seeded_with_the_admin_role() {
    let app = spawn_app().await;
    let token = app.admin_token().await;
    let me = app.me(&token).await;
    assert_eq!(me["user"]["role"], "admin");
    assert!(me["scopes"].as_array().unwrap().contains(&json!("admin")));
}

#[tokio::test]
async fn without_a_configured_password_the_admin_gets_a_generated_one() {
    let app = spawn_app_with(|settings| settings.admin_password = None).await;
    let password = app
        .generated_admin_password
        .clone()
        .expect("a password was generated");
    assert!(password.len() >= 20);
    let response = app.login("admin", &password).await;
    assert_eq!(response.status(), 200);
}

#[tokio::test]
async fn requests_without_credentials_are_refused() {
    let app = spawn_app().await;
    assert_error(app.get("/api/me", None).await, 401, "UNAUTHORIZED").await;
    assert_error(
        app.get("/api/me", Some("garbage")).await,
        401,
        "UNAUTHORIZED",
    )
    .await;
    assert_error(
        app.get("/api/me", Some("sbx_notarealtoken")).await,
        401,
        "UNAUTHORIZED",
    )
    .await;
}
