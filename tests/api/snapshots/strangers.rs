use serde_json::json;

use super::{create_from, fork, list, snapshot};
use crate::support::app::{assert_error, spawn_app};

#[tokio::test]
async fn another_users_snapshots_and_environments_are_not_found_for_any_of_it() {
    let app = spawn_app().await;
    let owner = app.user_token("snapshot-owner").await;
    let stranger = app.user_token("snapshot-stranger").await;
    let id = app.running_busybox(&owner, json!({})).await;
    let (status, taken) = snapshot(&app, &owner, &id, json!({"name": "private-save"})).await;
    assert_eq!(status, 201, "{taken}");
    let snapshot_id = taken["id"].as_str().unwrap();

    assert_eq!(list(&app, &stranger).await["total"], 0);
    for reference in [snapshot_id, "private-save"] {
        let got = app
            .get(&format!("/api/snapshots/{reference}"), Some(&stranger))
            .await;
        assert_error(got, 404, "SNAPSHOT_NOT_FOUND").await;
        let deleted = app
            .delete(&format!("/api/snapshots/{reference}"), Some(&stranger))
            .await;
        assert_error(deleted, 404, "SNAPSHOT_NOT_FOUND").await;
        let (status, refused) = create_from(&app, &stranger, reference, json!({})).await;
        assert_eq!(status, 404, "{refused}");
        assert_eq!(refused["code"], "SNAPSHOT_NOT_FOUND");
    }
    let (status, refused) = snapshot(&app, &stranger, &id, json!({})).await;
    assert_eq!(
        (status, refused["code"].as_str()),
        (404, Some("CONTAINER_NOT_FOUND"))
    );
    let (status, refused) = fork(&app, &stranger, &id, json!({})).await;
    assert_eq!(
        (status, refused["code"].as_str()),
        (404, Some("CONTAINER_NOT_FOUND"))
    );
    assert_eq!(app.usage(&stranger).await, 0);

    // A read-only token of the owner's reads but neither takes, deletes nor forks.
    let reader = app.api_token(&owner, &["read"]).await;
    let reader = reader["token"].as_str().unwrap();
    assert_eq!(list(&app, reader).await["total"], 1);
    let (status, _) = snapshot(&app, reader, &id, json!({})).await;
    assert_eq!(status, 403);
    let (status, _) = fork(&app, reader, &id, json!({})).await;
    assert_eq!(status, 403);
    let deleted = app
        .delete("/api/snapshots/private-save", Some(reader))
        .await;
    assert_eq!(deleted.status(), 403);

    let deleted = app
        .delete("/api/snapshots/private-save", Some(&owner))
        .await;
    assert_eq!(deleted.status(), 204);
}
