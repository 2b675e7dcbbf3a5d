use serde_json::json;

use super::{committed_images, list, snapshot};
use crate::support::app::{spawn_app, spawn_app_beside};

#[tokio::test]
async fn a_push_the_registry_refuses_leaves_no_image_no_record_and_no_quota_used() {
    let app = spawn_app().await;
    let token = app.user_token("snapshot-unlucky").await;
    let id = app.running_busybox(&token, json!({})).await;
    let images_before = committed_images(&app.settings);
    // An API over the same database whose registry is a closed port.
    let refusing = spawn_app_beside(&app, |s| {
        s.registry = "127.0.0.1:9".into();
        s.workers = 0;
    })
    .await;
    app.edit_tier("free", json!({"snapshots_max": 1})).await;

    let (status, failed) = snapshot(&refusing, &token, &id, json!({"name": "lost"})).await;
    assert_eq!(status, 500, "{failed}");
    assert_eq!(failed["code"], "SNAPSHOT_PUSH_FAILED");
    assert_eq!(list(&app, &token).await["total"], 0);
    assert_eq!(committed_images(&app.settings), images_before);

    // The name and the only slot are free: the same snapshot to the working registry.
    let (status, taken) = snapshot(&app, &token, &id, json!({"name": "lost"})).await;
    assert_eq!(status, 201, "{taken}");
    let deleted = app.delete("/api/snapshots/lost", Some(&token)).await;
    assert_eq!(deleted.status(), 204);
}

#[tokio::test]
async fn an_environment_still_being_made_cannot_be_saved_or_forked() {
    let app = spawn_app().await;
    let token = app.user_token("snapshot-too-early").await;
    let id = app.creating_busybox(&token).await;
    let (status, refused) = snapshot(&app, &token, &id, json!({})).await;
    assert_eq!(
        (status, refused["code"].as_str()),
        (409, Some("CONTAINER_NOT_READY")),
        "{refused}"
    );
    let (status, refused) = super::fork(&app, &token, &id, json!({})).await;
    assert_eq!(
        (status, refused["code"].as_str()),
        (409, Some("CONTAINER_NOT_READY")),
        "{refused}"
    );
    assert_eq!(list(&app, &token).await["total"], 0);
}
