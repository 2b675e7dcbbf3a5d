//! Warm pools: admins set them per node, the node keeps them full, and a create of the
//! pool's shape takes a ready environment that carries nothing of anyone.

mod admin;
mod claim;
mod on_nodes;
mod refill;

use std::time::{Duration, Instant};

use sandboxd::config::Settings;
use serde_json::{json, Value};

use crate::support::app::{spawn_app_with, TestApp};

/// Long enough for a member of the default shape to be made on a busy machine.
pub const FILLED_WITHIN: Duration = Duration::from_secs(60);

/// An app whose pools refill quickly; no pool until a test makes one.
pub async fn pooled_app(customize: impl FnOnce(&mut Settings)) -> TestApp {
    spawn_app_with(|settings| {
        settings.node.pool_refill_every = Duration::from_millis(200);
        customize(settings);
    })
    .await
}

/// A pool of the default shape (debian:bookworm, barebone, free) on `node`.
pub async fn make_pool(app: &TestApp, admin: &str, node: &str, size: i32) -> Value {
    let response = app
        .post(
            "/api/admin/pools",
            Some(admin),
            &json!({"node": node, "size": size}),
        )
        .await;
    assert_eq!(response.status(), 201);
    response.json().await.unwrap()
}

/// A pool of `size` of the default shape on `node`, waited for until full: its id.
pub async fn filled_pool(app: &TestApp, admin: &str, node: &str, size: i32) -> String {
    let made = make_pool(app, admin, node, size).await;
    let id = made["id"].as_str().unwrap().to_string();
    wait_filled(app, admin, &id, size.into()).await;
    id
}

pub async fn pool(app: &TestApp, admin: &str, id: &str) -> Value {
    let response = app
        .get(&format!("/api/admin/pools/{id}"), Some(admin))
        .await;
    assert_eq!(response.status(), 200);
    response.json().await.unwrap()
}

/// Waits until the pool holds `ready` members ready and none being made.
pub async fn wait_filled(app: &TestApp, admin: &str, id: &str, ready: i64) -> Value {
    let deadline = Instant::now() + FILLED_WITHIN;
    loop {
        let seen = pool(app, admin, id).await;
        if seen["ready"] == ready && seen["making"] == 0 {
            return seen;
        }
        assert!(Instant::now() < deadline, "never {ready} ready: {seen}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// The ids of the pool's ready members, as the database holds them.
pub async fn member_ids(app: &TestApp) -> Vec<String> {
    let db = crate::nodes::database(app).await;
    sqlx::query_scalar::<_, uuid::Uuid>("SELECT id FROM pool_members WHERE ready ORDER BY id")
        .fetch_all(&db)
        .await
        .unwrap()
        .into_iter()
        .map(|id| id.to_string())
        .collect()
}
