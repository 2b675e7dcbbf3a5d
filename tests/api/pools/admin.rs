//! Pools as admins set them: made, listed, resized and removed, with bad requests refused;
//! a node gets the configured default pool once.

use reqwest::Method;
use serde_json::{json, Value};

use super::{make_pool, pooled_app, wait_filled};
use crate::support::app::assert_error;
use crate::support::engine;

#[tokio::test]
async fn admins_make_resize_and_remove_pools_and_bad_requests_are_refused() {
    let app = pooled_app(|_| {}).await;
    let admin = app.admin_token().await;
    let user = app.user_token("pool-user").await;
    let node = app.settings.node.name.clone();
    let path = "/api/admin/pools";
    assert_eq!(app.get(path, Some(&user)).await.status(), 403);
    let refusals = [
        (
            json!({"node": node, "size": 1, "image": "custom"}),
            400,
            "UNSUPPORTED_IMAGE",
        ),
        (
            json!({"node": node, "size": 1, "image": "nope:1"}),
            400,
            "UNSUPPORTED_IMAGE",
        ),
        (
            json!({"node": node, "size": 1, "role": "wizard"}),
            400,
            "INVALID_ROLE",
        ),
        (json!({"node": node, "size": 101}), 400, "INVALID_POOL_SIZE"),
        (json!({"node": node, "size": -1}), 400, "INVALID_POOL_SIZE"),
        (
            json!({"node": "no-such-node", "size": 1}),
            404,
            "NODE_NOT_FOUND",
        ),
        (
            json!({"node": node, "size": 1, "tier": "gold"}),
            404,
            "TIER_NOT_FOUND",
        ),
    ];
    for (body, status, code) in refusals {
        assert_error(app.post(path, Some(&admin), &body).await, status, code).await;
    }
    let listed: Vec<Value> = app.get(path, Some(&admin)).await.json().await.unwrap();
    assert!(listed.is_empty(), "{listed:?}");

    let made = make_pool(&app, &admin, &node, 1).await;
    assert_eq!(made["image"], "debian:bookworm");
    assert_eq!(made["role"], "barebone");
    assert_eq!(made["tier"], "free");
    let id = made["id"].as_str().unwrap().to_string();
    let again = app
        .post(path, Some(&admin), &json!({"node": node, "size": 3}))
        .await;
    assert_error(again, 409, "POOL_EXISTS").await;
    wait_filled(&app, &admin, &id, 1).await;
    let member = &super::member_ids(&app).await[0];
    let inspected = engine::inspect(&app.settings, &format!("sbx-{member}"));
    assert_eq!(inspected["State"]["Running"], true);

    let one = format!("{path}/{id}");
    let resize = |size: Value| {
        app.request(Method::PATCH, &one, Some(&admin))
            .json(&json!({"size": size}))
            .send()
    };
    assert_error(resize(json!(500)).await.unwrap(), 400, "INVALID_POOL_SIZE").await;
    let resized: Value = resize(json!(2)).await.unwrap().json().await.unwrap();
    assert_eq!(resized["size"], 2);
    wait_filled(&app, &admin, &id, 2).await;
    let emptied = resize(json!(0)).await.unwrap();
    assert_eq!(emptied.status(), 200);
    wait_filled(&app, &admin, &id, 0).await;
    assert!(
        !engine::docker(&app.settings, &["inspect", &format!("sbx-{member}")])
            .status
            .success()
    );

    assert_eq!(app.delete(&one, Some(&admin)).await.status(), 204);
    assert_error(app.delete(&one, Some(&admin)).await, 404, "POOL_NOT_FOUND").await;
    assert_error(app.get(&one, Some(&admin)).await, 404, "POOL_NOT_FOUND").await;
}

#[tokio::test]
async fn a_node_gets_the_default_pool_once_and_a_removed_one_stays_removed() {
    let app = pooled_app(|settings| settings.node.default_pool_size = 1).await;
    let admin = app.admin_token().await;
    let listed: Vec<Value> = app
        .get("/api/admin/pools", Some(&admin))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(listed.len(), 1, "{listed:?}");
    let seeded = &listed[0];
    assert_eq!(seeded["node"], app.settings.node.name.as_str());
    assert_eq!(
        (
            &seeded["image"],
            &seeded["role"],
            &seeded["tier"],
            &seeded["size"]
        ),
        (
            &json!("debian:bookworm"),
            &json!("barebone"),
            &json!("free"),
            &json!(1)
        )
    );
    let id = seeded["id"].as_str().unwrap();
    wait_filled(&app, &admin, id, 1).await;
    let path = format!("/api/admin/pools/{id}");
    assert_eq!(app.delete(&path, Some(&admin)).await.status(), 204);
    // Registering again (as a restart does) does not bring it back.
    let again = crate::support::app::spawn_app_beside(&app, |settings| {
        settings.node.default_pool_size = 1;
    })
    .await;
    let listed: Vec<Value> = again
        .get("/api/admin/pools", Some(&admin))
        .await
        .json()
        .await
        .unwrap();
    assert!(listed.is_empty(), "{listed:?}");
}
