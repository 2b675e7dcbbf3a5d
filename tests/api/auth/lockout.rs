//! An attacker's wrong passwords lock out the attacker's address, not the account's owner;
//! behind a proxy the address is the one the proxy saw, not one the client wrote.

use reqwest::{Method, Response};
use serde_json::json;

use crate::support::accounts::PASSWORD;
use crate::support::app::{assert_error, spawn_app_with, TestApp};

const ATTACKER: &str = "203.0.113.66";
const OWNER: &str = "198.51.100.7";

/// A login through a trusted proxy (the test, on loopback) that appends `forwarded`.
async fn login_from(app: &TestApp, forwarded: &str, login: &str, password: &str) -> Response {
    app.request(Method::POST, "/api/auth/login", None)
        .header("x-forwarded-for", forwarded)
        .json(&json!({ "login": login, "password": password }))
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn an_attackers_failures_do_not_lock_the_owner_out_from_another_address() {
    let app = spawn_app_with(|settings| {
        settings.trust_proxy = true;
        settings.auth_rate_limit_per_account = 3;
    })
    .await;
    app.register("owner").await;
    for _ in 0..3 {
        let response = login_from(&app, ATTACKER, "owner", "guess").await;
        assert_eq!(response.status(), 401);
    }
    // Locked out from the attacker's address, by username and by e-mail alike, even with
    // the right password, and whatever the client writes to the left of the proxy's entry.
    let refused = login_from(&app, ATTACKER, "owner", PASSWORD).await;
    assert!(refused.headers().contains_key("retry-after"));
    assert_error(refused, 429, "RATE_LIMITED").await;
    let by_email = login_from(&app, ATTACKER, "OWNER@example.com", PASSWORD).await;
    assert_error(by_email, 429, "RATE_LIMITED").await;
    let forged = login_from(&app, &format!("{OWNER}, {ATTACKER}"), "owner", PASSWORD).await;
    assert_error(forged, 429, "RATE_LIMITED").await;

    // The owner, from their own address, gets in.
    let owner = login_from(&app, OWNER, "owner", PASSWORD).await;
    assert_eq!(owner.status(), 200);
}

#[tokio::test]
async fn failures_spread_over_many_addresses_back_the_account_off_for_everyone() {
    let app = spawn_app_with(|settings| {
        settings.trust_proxy = true;
        settings.auth_rate_limit_per_account = 3;
        settings.auth_global_failures_per_account = 6;
    })
    .await;
    app.register("target").await;
    app.register("bystander").await;
    for host in 1..=3 {
        for _ in 0..2 {
            let address = format!("203.0.113.{host}");
            let response = login_from(&app, &address, "target", "guess").await;
            assert_eq!(response.status(), 401, "from {address}");
        }
    }
    let owner = login_from(&app, OWNER, "target", PASSWORD).await;
    assert_error(owner, 429, "RATE_LIMITED").await;
    // Other accounts are not held back.
    let other = login_from(&app, OWNER, "bystander", PASSWORD).await;
    assert_eq!(other.status(), 200);
}

#[tokio::test]
async fn without_trust_in_proxies_the_forwarded_header_is_ignored() {
    let app = spawn_app_with(|settings| settings.auth_rate_limit_per_account = 2).await;
    app.register("solo").await;
    for address in ["203.0.113.1", "203.0.113.2"] {
        let response = login_from(&app, address, "solo", "guess").await;
        assert_eq!(response.status(), 401);
    }
    // Both came from loopback, whatever they claimed.
    let response = login_from(&app, "203.0.113.3", "solo", PASSWORD).await;
    assert_error(response, 429, "RATE_LIMITED").await;
}
