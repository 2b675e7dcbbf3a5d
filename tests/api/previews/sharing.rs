//! An owner opens a port to everyone, or to whoever holds a share link until it expires or
//! is revoked.

use std::time::Duration;

use reqwest::{Method, Response};
use serde_json::{json, Value};
use sqlx::{Connection, PgConnection};

use super::site::{assert_no_preview, at_host, enter, open, python_site, seen, with_cookie};
use crate::support::app::{assert_error, spawn_app, TestApp};

/// A revocation reaches other processes within the previews' two-second memory.
const FORGOTTEN_WITHIN: Duration = Duration::from_secs(5);

/// Polls until a request made by `request` is refused.
async fn refused_soon<F, Fut>(request: F)
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = reqwest::Result<Response>>,
{
    let deadline = tokio::time::Instant::now() + FORGOTTEN_WITHIN;
    loop {
        let response = request().await.unwrap();
        if response.status() == 404 {
            return assert_no_preview(response).await;
        }
        assert!(tokio::time::Instant::now() < deadline, "still let in");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

async fn share(app: &TestApp, token: &str, id: &str, seconds: u32) -> Response {
    app.post(
        &format!("/api/containers/{id}/ports/8000/shares"),
        Some(token),
        &json!({"expires_in_seconds": seconds}),
    )
    .await
}

#[tokio::test]
async fn a_public_port_needs_no_credentials_until_it_is_private_again() {
    let app = spawn_app().await;
    let site = python_site(&app, "publisher").await;
    let (token, id) = (&site.token, &site.id);
    let stranger = app.user_token("stranger").await;
    let path = format!("/api/containers/{id}/ports/8000");
    let taken = app
        .put(&path, Some(&stranger), &json!({"public": true}))
        .await;
    assert_error(taken, 404, "CONTAINER_NOT_FOUND").await;
    assert_no_preview(
        at_host(&app, id, 8000, Method::GET, "/")
            .send()
            .await
            .unwrap(),
    )
    .await;

    assert_eq!(
        app.put(&path, Some(token), &json!({"public": true}))
            .await
            .status(),
        204
    );
    let page = seen(
        at_host(&app, id, 8000, Method::GET, "/")
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(page["path"], "/");
    let anonymous = open(&app, &format!("/preview/{id}/8000/")).await;
    assert_eq!(anonymous.status(), 200, "the path form too");
    assert_no_preview(
        at_host(&app, id, 8001, Method::GET, "/")
            .send()
            .await
            .unwrap(),
    )
    .await;
    let ports = app
        .get(&format!("/api/containers/{id}/ports"), Some(token))
        .await;
    let ports: Value = ports.json().await.unwrap();
    let listed = ports["ports"].as_array().unwrap();
    assert!(
        listed
            .iter()
            .any(|port| port["port"] == 8000 && port["public"] == true),
        "{ports}"
    );

    assert_eq!(
        app.put(&path, Some(token), &json!({"public": false}))
            .await
            .status(),
        204
    );
    refused_soon(|| at_host(&app, id, 8000, Method::GET, "/").send()).await;
}

#[tokio::test]
async fn a_share_link_works_for_anyone_until_revoked_or_expired() {
    let app = spawn_app().await;
    let site = python_site(&app, "sharer").await;
    let (token, id) = (&site.token, &site.id);
    let stranger = app.user_token("stranger").await;

    for seconds in [59, 7 * 24 * 3600 + 1] {
        assert_error(
            share(&app, token, id, seconds).await,
            400,
            "INVALID_PREVIEW",
        )
        .await;
    }
    assert_error(
        share(&app, &stranger, id, 600).await,
        404,
        "CONTAINER_NOT_FOUND",
    )
    .await;

    let first: Value = share(&app, token, id, 600).await.json().await.unwrap();
    let second: Value = share(&app, token, id, 3600).await.json().await.unwrap();
    let listed: Value = app
        .get(&format!("/api/containers/{id}/shares"), Some(token))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(listed.as_array().unwrap().len(), 2, "{listed}");
    let foreign = app
        .get(&format!("/api/containers/{id}/shares"), Some(&stranger))
        .await;
    assert_error(foreign, 404, "CONTAINER_NOT_FOUND").await;

    // Anyone with the link gets in; the cookie it sets keeps them in.
    let (cookie, _, _) = enter(&app, first["url"].as_str().unwrap()).await;
    let visit = || with_cookie(at_host(&app, id, 8000, Method::GET, "/"), &cookie).send();
    seen(visit().await.unwrap()).await;

    // Revoked: neither the link nor the cookie it set open anything any more.
    let revoke = format!(
        "/api/containers/{id}/shares/{}",
        first["id"].as_str().unwrap()
    );
    let not_theirs = app.delete(&revoke, Some(&stranger)).await;
    assert_error(not_theirs, 404, "CONTAINER_NOT_FOUND").await;
    assert_eq!(app.delete(&revoke, Some(token)).await.status(), 204);
    refused_soon(visit).await;
    assert_no_preview(open(&app, first["url"].as_str().unwrap()).await).await;

    // Expired (its end moved into the past, as the clock would): the same.
    let (cookie, _, _) = enter(&app, second["url"].as_str().unwrap()).await;
    let visit = || with_cookie(at_host(&app, id, 8000, Method::GET, "/"), &cookie).send();
    seen(visit().await.unwrap()).await;
    let mut db = PgConnection::connect(&app.settings.database_url)
        .await
        .unwrap();
    sqlx::query(
        "UPDATE preview_shares SET expires_at = now() - interval '1 second' WHERE id = $1::uuid",
    )
    .bind(second["id"].as_str().unwrap())
    .execute(&mut db)
    .await
    .unwrap();
    refused_soon(visit).await;
}
