use serde_json::json;

use super::{create_from, list, read_note, registry_has, snapshot, write_note};
use crate::nodes::{small_busybox, NodeWorker};
use crate::support::app::{assert_error, spawn_app};
use crate::support::engine;
use crate::support::provisioning::READY_WITHIN;

#[tokio::test]
async fn a_snapshot_carries_an_environments_files_into_a_new_one_and_its_delete_empties_the_registry(
) {
    let app = spawn_app().await;
    let token = app.user_token("snapshot-taker").await;
    let id = app.running_busybox(&token, json!({})).await;
    write_note(&app.settings, &id, "saved-before");

    let (status, taken) = snapshot(&app, &token, &id, json!({"name": "first-save"})).await;
    assert_eq!(status, 201, "{taken}");
    assert_eq!(taken["name"], "first-save");
    assert_eq!(taken["container_id"], id.as_str());
    assert_eq!(taken["node"], app.settings.node.name.as_str());
    assert!(taken["size_bytes"].as_i64().unwrap() > 0, "{taken}");
    let image = taken["image"].as_str().unwrap().to_string();
    assert!(image.starts_with(&app.settings.registry), "{image}");
    assert!(registry_has(&image).await, "pushed: {image}");
    // The environment goes on as it was.
    assert_eq!(app.container(&token, &id).await.1["status"], "running");

    let listed = list(&app, &token).await;
    assert_eq!(listed["total"], 1, "{listed}");
    assert_eq!(listed["snapshots"][0]["id"], taken["id"]);
    let snapshot_id = taken["id"].as_str().unwrap();
    for reference in [snapshot_id, "first-save"] {
        let got = app
            .get(&format!("/api/snapshots/{reference}"), Some(&token))
            .await;
        assert_eq!(got.status(), 200);
        let got: serde_json::Value = got.json().await.unwrap();
        assert_eq!(got["id"], taken["id"]);
    }

    // A generated name follows the environments' pattern.
    let (status, unnamed) = snapshot(&app, &token, &id, json!({})).await;
    assert_eq!(status, 201, "{unnamed}");
    assert!(unnamed["name"].as_str().unwrap().contains('-'), "{unnamed}");

    let (status, created) = create_from(&app, &token, "first-save", json!({})).await;
    assert_eq!(status, 202, "{created}");
    assert_eq!(created["image"], "snapshot");
    let copy = created["id"].as_str().unwrap();
    app.wait_running(&token, copy, READY_WITHIN).await;
    assert_eq!(read_note(&app.settings, copy), "saved-before");

    for reference in ["first-save", unnamed["id"].as_str().unwrap()] {
        let deleted = app
            .delete(&format!("/api/snapshots/{reference}"), Some(&token))
            .await;
        assert_eq!(deleted.status(), 204);
    }
    assert!(
        !registry_has(&image).await,
        "still in the registry: {image}"
    );
    let gone = app.get("/api/snapshots/first-save", Some(&token)).await;
    assert_error(gone, 404, "SNAPSHOT_NOT_FOUND").await;
    assert_eq!(list(&app, &token).await["total"], 0);
    // What was made from it runs on from its own copy.
    assert_eq!(read_note(&app.settings, copy), "saved-before");
    let (status, _) = create_from(&app, &token, "first-save", json!({})).await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn a_stopped_environment_can_be_saved_too() {
    let app = spawn_app().await;
    let token = app.user_token("snapshot-of-stopped").await;
    let id = app.running_busybox(&token, json!({})).await;
    write_note(&app.settings, &id, "kept-while-stopped");
    let stopped = app
        .post(
            &format!("/api/containers/{id}/stop"),
            Some(&token),
            &json!({}),
        )
        .await;
    assert_eq!(stopped.status(), 202);
    app.wait_status(&token, &id, "stopped", READY_WITHIN).await;

    let (status, taken) = snapshot(&app, &token, &id, json!({"name": "cold"})).await;
    assert_eq!(status, 201, "{taken}");
    let (status, created) =
        create_from(&app, &token, taken["id"].as_str().unwrap(), json!({})).await;
    assert_eq!(status, 202, "{created}");
    let copy = created["id"].as_str().unwrap();
    app.wait_running(&token, copy, READY_WITHIN).await;
    assert_eq!(read_note(&app.settings, copy), "kept-while-stopped");
    let deleted = app.delete("/api/snapshots/cold", Some(&token)).await;
    assert_eq!(deleted.status(), 204);
}

#[tokio::test]
async fn a_snapshot_taken_on_another_node_starts_on_the_apps_own() {
    let app = spawn_app().await;
    let node_b = NodeWorker::start(&app, "node-b", "pool=fast").await;
    let own = app.settings.node.name.clone();
    app.edit_tier("free", json!({"node_targets": ["_any", "node-b", own]}))
        .await;
    let token = app.user_token("snapshot-traveller").await;
    let (status, created) = app
        .create(&token, small_busybox(&app, Some("node-b")))
        .await;
    assert_eq!(status, 202, "{created}");
    let id = created["id"].as_str().unwrap().to_string();
    let ready = app.wait_running(&token, &id, READY_WITHIN).await;
    assert_eq!(ready["node"], "node-b");
    let on_b = node_b.docker(&[
        "exec",
        &format!("sbx-{id}"),
        "/bin/sh",
        "-c",
        "mkdir -p /srv && echo made-on-b > /srv/note && sync",
    ]);
    assert!(on_b.status.success(), "{on_b:?}");

    let (status, taken) = snapshot(&app, &token, &id, json!({"name": "from-b"})).await;
    assert_eq!(status, 201, "{taken}");
    assert_eq!(taken["node"], "node-b");
    let image = taken["image"].as_str().unwrap().to_string();
    // Made on node-b's engine; the app's own has never seen it.
    assert!(node_b
        .docker(&["image", "inspect", &image])
        .status
        .success());
    assert!(
        !engine::docker(&app.settings, &["image", "inspect", &image])
            .status
            .success()
    );

    let (status, copy) = create_from(&app, &token, "from-b", json!({"node": own})).await;
    assert_eq!(status, 202, "{copy}");
    let copy_id = copy["id"].as_str().unwrap();
    let ready = app.wait_running(&token, copy_id, READY_WITHIN).await;
    assert_eq!(ready["node"], own.as_str());
    assert_eq!(read_note(&app.settings, copy_id), "made-on-b");

    let deleted = app.delete("/api/snapshots/from-b", Some(&token)).await;
    assert_eq!(deleted.status(), 204);
    assert!(!registry_has(&image).await);
    // node-b's copy runs nothing: it went with the snapshot.
    assert!(!node_b
        .docker(&["image", "inspect", &image])
        .status
        .success());
}
