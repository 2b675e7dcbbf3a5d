//! A burst larger than the pool: the members go first, the rest are made the usual way, none
//! fails, and the pool is full again afterwards. A member that died is never handed out.

use std::time::Duration;

use futures_util::future::join_all;
use serde_json::json;

use super::{filled_pool, member_ids, pool, pooled_app, wait_filled};
use crate::support::engine;
use crate::support::provisioning::READY_WITHIN;

#[tokio::test]
async fn a_burst_that_empties_the_pool_falls_back_without_error_and_the_pool_refills() {
    let app = pooled_app(|_| {}).await;
    let admin = app.admin_token().await;
    let node = app.settings.node.name.clone();
    let pool = filled_pool(&app, &admin, &node, 2).await;
    let members = member_ids(&app).await;
    let user = app.user_token("pool-burst").await;
    let made =
        join_all((0..5).map(|_| app.create(&user, json!({"image": "debian:bookworm"})))).await;
    let mut taken = 0;
    for (status, body) in &made {
        assert_eq!(*status, 202, "{body}");
        let id = body["id"].as_str().unwrap();
        taken += usize::from(members.iter().any(|member| member == id));
        let view = app.wait_running(&user, id, READY_WITHIN * 2).await;
        assert_eq!(view["progress"], 100, "{view}");
    }
    assert_eq!(taken, 2, "both members taken, three made the usual way");
    wait_filled(&app, &admin, &pool, 2).await;
}

#[tokio::test]
async fn a_member_that_died_is_replaced_and_a_create_still_gets_a_running_environment() {
    let app = pooled_app(|_| {}).await;
    let admin = app.admin_token().await;
    let node = app.settings.node.name.clone();
    let pool = filled_pool(&app, &admin, &node, 1).await;
    let dead = member_ids(&app).await.remove(0);
    let killed = engine::docker(&app.settings, &["kill", &format!("sbx-{dead}")]);
    assert!(killed.status.success(), "{killed:?}");
    // Whether the create takes the dead member before the pool notices or a new one after,
    // it gets a running environment.
    let user = app.user_token("pool-dead-member").await;
    let (status, made) = app.create(&user, json!({"image": "debian:bookworm"})).await;
    assert_eq!(status, 202, "{made}");
    let id = made["id"].as_str().unwrap();
    app.wait_running(&user, id, READY_WITHIN).await;
    let running = engine::docker_text(
        &app.settings,
        &["inspect", "-f", "{{.State.Running}}", &format!("sbx-{id}")],
    );
    assert_eq!(running.trim(), "true");
    tokio::time::sleep(Duration::from_millis(500)).await;
    wait_filled(&app, &admin, &pool, 1).await;
    assert!(!member_ids(&app).await.contains(&dead));
}

#[tokio::test]
async fn the_pool_waits_a_moment_after_a_member_is_taken_then_refills() {
    let app = pooled_app(|_| {}).await;
    let admin = app.admin_token().await;
    let node = app.settings.node.name.clone();
    let pool_id = filled_pool(&app, &admin, &node, 1).await;
    let user = app.user_token("pool-first-commands").await;
    let (status, made) = app.create(&user, json!({"image": "debian:bookworm"})).await;
    assert_eq!(status, 202, "{made}");
    // Rounds run every 200 ms here; for a second after the handout they make nothing, so
    // that its owner's first commands do not share the engine with a member being made.
    tokio::time::sleep(Duration::from_millis(400)).await;
    let seen = pool(&app, &admin, &pool_id).await;
    assert_eq!(
        (&seen["ready"], &seen["making"]),
        (&json!(0), &json!(0)),
        "{seen}"
    );
    wait_filled(&app, &admin, &pool_id, 1).await;
}
