use serde_json::json;

use crate::helpers::{assert_error, spawn_app_with};

#[tokio::test]
async fn login_is_limited_per_account_with_retry_after() {
    let app = spawn_app_with(|settings| settings.auth_rate_limit_per_account = 3).await;
    app.register("target").await;
    for _ in 0..3 {
        assert_eq!(app.login("target", "wrong password").await.status(), 401);
    }
    let response = app.login("target", "correct horse battery").await;
    let retry_after: u64 = response.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=60).contains(&retry_after));
    assert_error(response, 429, "RATE_LIMITED").await;
    // Another account from the same address is not held back.
    app.register("bystander").await;
    assert_eq!(
        app.login("bystander", "correct horse battery")
            .await
            .status(),
        200
    );
}

#[tokio::test]
async fn register_is_limited_per_address() {
    let app = spawn_app_with(|settings| settings.auth_rate_limit_per_ip = 2).await;
    app.register("first").await;
    app.register("second").await;
    let body =
        json!({"email": "third@example.com", "username": "third", "password": "long enough"});
    let response = app.post("/api/auth/register", None, &body).await;
    assert!(response.headers().contains_key("retry-after"));
    assert_error(response, 429, "RATE_LIMITED").await;
}
