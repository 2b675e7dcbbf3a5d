//! Sessions past their end and guest accounts past their expiry are removed, with nothing of
//! theirs left behind; live ones are kept.

use std::time::Duration;

use serde_json::{json, Value};
use uuid::Uuid;

use super::{count, eventually, pruned, retention_app, run_sql, PRUNED_WITHIN};
use crate::support::accounts::PASSWORD;
use crate::support::app::TestApp;

async fn session_ids(app: &TestApp) -> Vec<Uuid> {
    sqlx::query_scalar("SELECT id FROM sessions ORDER BY created_at")
        .fetch_all(&mut super::database(app).await)
        .await
        .unwrap()
}

async fn login(app: &TestApp, name: &str) -> String {
    let body: Value = app.login(name, PASSWORD).await.json().await.unwrap();
    body["token"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn expired_and_revoked_sessions_are_pruned_after_their_retention() {
    let app = retention_app(|r| r.sessions = Some(Duration::from_secs(3600))).await;
    let first = app.user_token("sessioned").await;
    let second = login(&app, "sessioned").await;
    let third = login(&app, "sessioned").await;
    let live = login(&app, "sessioned").await;
    for token in [&first, &third] {
        let out = app.post("/api/auth/logout", Some(token), &json!({})).await;
        assert!(out.status().is_success());
    }
    let _ = second;
    let ids = session_ids(&app).await;
    assert_eq!(ids.len(), 4);
    let (revoked_long_ago, expired_long_ago) = (ids[0], ids[1]);
    run_sql(
        &app,
        &format!("UPDATE sessions SET revoked_at = now() - interval '2 hours' WHERE id = '{revoked_long_ago}'"),
    )
    .await;
    run_sql(
        &app,
        &format!("UPDATE sessions SET expires_at = now() - interval '2 hours' WHERE id = '{expired_long_ago}'"),
    )
    .await;
    eventually("two sessions pruned", PRUNED_WITHIN, || async {
        count(&app, "SELECT count(*) FROM sessions").await == 2
    })
    .await;
    // Kept: the one revoked just now (within its retention) and the live one.
    assert_eq!(session_ids(&app).await, ids[2..].to_vec());
    assert_eq!(app.get("/api/me", Some(&live)).await.status(), 200);
    assert_eq!(pruned(&app, "sessions").await, 2);
}

async fn guest(app: &TestApp) -> (String, Uuid) {
    let token = app.guest_token().await;
    let me = app.me(&token).await;
    let id = me["user"]["id"].as_str().unwrap();
    (token, id.parse().unwrap())
}

#[tokio::test]
async fn expired_guest_accounts_are_deleted_with_everything_of_theirs_once_their_environments_are_gone(
) {
    let app = retention_app(|r| r.guests = Some(Duration::from_secs(3600))).await;
    let (gone_token, gone) = guest(&app).await;
    let tokens = app
        .post(
            "/api/tokens",
            Some(&gone_token),
            &json!({"name": "s", "scopes": ["read"]}),
        )
        .await;
    let had_token = tokens.status() == 201;
    let (_, live) = guest(&app).await;
    let (_, with_env) = guest(&app).await;
    // An environment record with no container: the guest tier's images may be restricted, and
    // expiry deletes a guest's environment in any state.
    let environment = Uuid::new_v4();
    run_sql(
        &app,
        &format!(
            "INSERT INTO containers (id, user_id, name, image, image_ref, memory_mb, \
             cpu_millicores, disk_mb, status, stage, message, expires_at) \
             VALUES ('{environment}', '{with_env}', 'held', 'custom', 'none', 256, 250, 1024, \
             'error', 'pulling', 'test', now() + interval '1 hour')"
        ),
    )
    .await;
    let expire = |id: Uuid| {
        format!("UPDATE users SET expires_at = now() - interval '2 hours' WHERE id = '{id}'")
    };
    run_sql(&app, &expire(gone)).await;
    run_sql(&app, &expire(with_env)).await;
    let user = |id: Uuid| format!("SELECT count(*) FROM users WHERE id = '{id}'");
    eventually("the expired guest deleted", PRUNED_WITHIN, || async {
        count(&app, &user(gone)).await == 0
    })
    .await;
    for table in ["sessions", "api_tokens", "exec_jobs", "user_limits"] {
        let left = count(
            &app,
            &format!("SELECT count(*) FROM {table} WHERE user_id = '{gone}'"),
        )
        .await;
        assert_eq!(left, 0, "{table} of a deleted guest");
    }
    assert!(
        had_token || tokens.status() == 403,
        "a guest's token: {}",
        tokens.status()
    );
    assert_eq!(count(&app, &user(live)).await, 1, "a live guest stays");
    assert_eq!(
        count(&app, &user(with_env)).await,
        1,
        "kept while it has an environment"
    );

    // Its environment reaches its own expiry and is deleted; then the account goes.
    run_sql(
        &app,
        &format!("UPDATE containers SET expires_at = now() - interval '1 second' WHERE id = '{environment}'"),
    )
    .await;
    eventually("the second guest deleted", PRUNED_WITHIN * 2, || async {
        count(&app, &user(with_env)).await == 0
    })
    .await;
    let counter =
        format!("SELECT count(*) FROM container_listing_versions WHERE user_id = '{with_env}'");
    assert_eq!(
        count(&app, &counter).await,
        0,
        "no listing counter left behind"
    );
    assert_eq!(pruned(&app, "guests").await, 2);
}
