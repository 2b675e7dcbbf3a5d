use serde_json::json;

use crate::support::app::{assert_error, spawn_app_with};

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

#[tokio::test]
async fn container_operations_share_a_burst_of_twenty_per_user_refilling_at_thirty_a_minute() {
    let defaults = sandboxd::config::Settings::from_lookup(|_| None).unwrap();
    let app = spawn_app_with(|settings| {
        settings.container_ops_per_minute = defaults.container_ops_per_minute;
        settings.container_ops_burst = defaults.container_ops_burst;
    })
    .await;
    assert_eq!(
        (
            defaults.container_ops_per_minute,
            defaults.container_ops_burst
        ),
        (30, 20)
    );
    let token = app.user_token("busy").await;
    let other = app.user_token("calm").await;
    // Stats, lifecycle and exec draw on one pool, whatever they answer.
    for round in 0..20 {
        let path = match round % 3 {
            0 => "/api/containers/none/stop",
            1 => "/api/containers/none/start",
            _ => "/api/containers/none/exec",
        };
        let response = app
            .post(path, Some(&token), &json!({"command": ["true"]}))
            .await;
        assert_eq!(response.status(), 404, "round {round}");
    }
    let response = app.get("/api/containers/none/stats", Some(&token)).await;
    let retry_after: u64 = response.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(
        (1..=2).contains(&retry_after),
        "a token is back within 2 s: {retry_after}"
    );
    assert_error(response, 429, "RATE_LIMITED").await;
    // Plain reads do not count, and other users have their own pool.
    assert_eq!(app.get("/api/containers", Some(&token)).await.status(), 200);
    let response = app
        .post("/api/containers/none/stop", Some(&other), &json!({}))
        .await;
    assert_eq!(response.status(), 404);
    tokio::time::sleep(std::time::Duration::from_millis(2100)).await;
    let response = app
        .post("/api/containers/none/stop", Some(&token), &json!({}))
        .await;
    assert_eq!(response.status(), 404, "refilled");
}

#[tokio::test]
async fn creates_have_their_own_tighter_pool() {
    let defaults = sandboxd::config::Settings::from_lookup(|_| None).unwrap();
    let app = spawn_app_with(|settings| {
        settings.creates_per_minute = defaults.creates_per_minute;
        settings.creates_burst = defaults.creates_burst;
    })
    .await;
    let token = app.user_token("eager").await;
    let bad = json!({"image": "no-such-image"});
    for _ in 0..defaults.creates_burst {
        assert_eq!(
            app.post("/api/containers", Some(&token), &bad)
                .await
                .status(),
            400
        );
    }
    let response = app.post("/api/containers", Some(&token), &bad).await;
    assert_error(response, 429, "RATE_LIMITED").await;
}
