use serde_json::json;

use super::{committed_images, list, snapshot};
use crate::support::app::spawn_app;

#[tokio::test]
async fn a_snapshot_over_the_tiers_count_refuses_with_nothing_made() {
    let app = spawn_app().await;
    app.edit_tier("free", json!({"snapshots_max": 1})).await;
    let token = app.user_token("snapshot-counter").await;
    let id = app.running_busybox(&token, json!({})).await;
    let (status, first) = snapshot(&app, &token, &id, json!({"name": "only-one"})).await;
    assert_eq!(status, 201, "{first}");
    let images_before = committed_images(&app.settings);

    let (status, refused) = snapshot(&app, &token, &id, json!({"name": "one-too-many"})).await;
    assert_eq!(status, 403, "{refused}");
    assert_eq!(refused["code"], "SNAPSHOT_LIMIT_REACHED");
    assert_eq!(refused["current"], 1);
    assert_eq!(refused["limit"], 1);
    assert_eq!(refused["tier"], "free");
    assert_eq!(list(&app, &token).await["total"], 1);
    assert_eq!(committed_images(&app.settings), images_before);

    // The slot is free again once the first is deleted.
    let deleted = app.delete("/api/snapshots/only-one", Some(&token)).await;
    assert_eq!(deleted.status(), 204);
    let (status, again) = snapshot(&app, &token, &id, json!({"name": "one-too-many"})).await;
    assert_eq!(status, 201, "{again}");
    let deleted = app
        .delete("/api/snapshots/one-too-many", Some(&token))
        .await;
    assert_eq!(deleted.status(), 204);
}

#[tokio::test]
async fn a_snapshot_over_the_tiers_storage_refuses_with_nothing_made() {
    let app = spawn_app().await;
    // Busybox alone is over a megabyte.
    app.edit_tier("free", json!({"snapshot_storage_mb_max": 1}))
        .await;
    let token = app.user_token("snapshot-hoarder").await;
    let id = app.running_busybox(&token, json!({})).await;
    let images_before = committed_images(&app.settings);

    let (status, refused) = snapshot(&app, &token, &id, json!({"name": "too-big"})).await;
    assert_eq!(status, 403, "{refused}");
    assert_eq!(refused["code"], "SNAPSHOT_STORAGE_LIMIT_REACHED");
    assert_eq!(refused["limit"], 1);
    assert!(refused["current"].as_i64().unwrap() > 1, "{refused}");
    assert_eq!(list(&app, &token).await["total"], 0);
    assert_eq!(committed_images(&app.settings), images_before);
    // The name was not kept either.
    app.edit_tier("free", json!({"snapshot_storage_mb_max": 100}))
        .await;
    let (status, taken) = snapshot(&app, &token, &id, json!({"name": "too-big"})).await;
    assert_eq!(status, 201, "{taken}");
    let deleted = app.delete("/api/snapshots/too-big", Some(&token)).await;
    assert_eq!(deleted.status(), 204);
}

#[tokio::test]
async fn admins_edit_the_snapshot_quotas_within_reason() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let tier = app.tier(&admin, "free").await;
    assert_eq!(tier["snapshots_max"], 5, "{tier}");
    assert_eq!(tier["snapshot_storage_mb_max"], 10240, "{tier}");
    let guest = app.tier(&admin, "guest").await;
    assert!(guest["snapshots_max"].as_i64() < tier["snapshots_max"].as_i64());
    for field in ["snapshots_max", "snapshot_storage_mb_max"] {
        let mut bad = tier.clone();
        bad[field] = json!(-1);
        let refused = app.put("/api/admin/tiers/free", Some(&admin), &bad).await;
        assert_eq!(refused.status(), 400, "{field}");
    }
    let edited = app
        .edit_tier(
            "free",
            json!({"snapshots_max": 7, "snapshot_storage_mb_max": 2048}),
        )
        .await;
    assert_eq!(app.tier(&admin, "free").await, edited);
}
