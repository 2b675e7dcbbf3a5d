use std::time::Duration;

use base64::Engine;
use jsonwebtoken::{encode, Algorithm, EncodingKey, Header};
use serde_json::{json, Value};

use crate::support::app::{assert_error, spawn_app, spawn_app_with, JWT_SECRET};

fn claims_of(token: &str) -> Value {
    let payload = token.split('.').nth(1).unwrap();
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload)
        .unwrap();
    serde_json::from_slice(&bytes).unwrap()
}

#[tokio::test]
async fn an_expired_jwt_is_rejected() {
    let app = spawn_app_with(|settings| settings.jwt_ttl = Duration::from_secs(1)).await;
    let token = app.user_token("expiring").await;
    assert_eq!(app.get("/api/me", Some(&token)).await.status(), 200);
    tokio::time::sleep(Duration::from_millis(2100)).await;
    assert_error(app.get("/api/me", Some(&token)).await, 401, "UNAUTHORIZED").await;
}

#[tokio::test]
async fn a_jwt_signed_with_another_key_is_rejected() {
    let app = spawn_app().await;
    let token = app.user_token("forger").await;
    let claims = claims_of(&token);
    let key = EncodingKey::from_secret(b"not the server's key");
    let forged = encode(&Header::new(Algorithm::HS256), &claims, &key).unwrap();
    assert_error(app.get("/api/me", Some(&forged)).await, 401, "UNAUTHORIZED").await;
    // The same claims under the real key pass, so it is the key that was refused.
    let key = EncodingKey::from_secret(JWT_SECRET.as_bytes());
    let genuine = encode(&Header::new(Algorithm::HS256), &claims, &key).unwrap();
    assert_eq!(app.get("/api/me", Some(&genuine)).await.status(), 200);
}

#[tokio::test]
async fn an_unsigned_alg_none_jwt_is_rejected() {
    let app = spawn_app().await;
    let token = app.user_token("unsigned").await;
    let engine = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let header = engine.encode(json!({"alg": "none", "typ": "JWT"}).to_string());
    let payload = engine.encode(claims_of(&token).to_string());
    let unsigned = format!("{header}.{payload}.");
    assert_error(
        app.get("/api/me", Some(&unsigned)).await,
        401,
        "UNAUTHORIZED",
    )
    .await;
}
