use serde_json::{json, Value};

use super::{committed_images, fork, read_note, write_note};
use crate::support::app::{spawn_app, spawn_app_with};
use crate::support::engine;
use crate::support::provisioning::READY_WITHIN;

#[tokio::test]
async fn a_fork_carries_its_parents_files_and_shape_on_its_node_under_a_name_of_its_own() {
    let app = spawn_app().await;
    let token = app.user_token("fork-maker").await;
    let parent = app
        .running_busybox(
            &token,
            json!({"memory_mb": 300, "cpu_shares": 300, "env": ["GREETING=hello"],
                   "labels": {"team": "infra"}}),
        )
        .await;
    write_note(&app.settings, &parent, "written-in-parent");

    let (status, forked) = fork(&app, &token, &parent, json!({"name": "the-fork"})).await;
    assert_eq!(status, 202, "{forked}");
    assert_eq!(forked["name"], "the-fork");
    let id = forked["id"].as_str().unwrap();
    let child = app.wait_running(&token, id, READY_WITHIN).await;
    let (_, parent_view) = app.container(&token, &parent).await;
    for key in [
        "image",
        "role",
        "resources",
        "env",
        "labels",
        "node",
        "shell",
        "user_id",
    ] {
        assert_eq!(child[key], parent_view[key], "{key}");
    }
    assert_ne!(child["id"], parent_view["id"]);
    assert_eq!(read_note(&app.settings, id), "written-in-parent");
    // Its own filesystem from then on.
    write_note(&app.settings, id, "written-in-fork");
    assert_eq!(read_note(&app.settings, &parent), "written-in-parent");

    // A fork without a name gets one; forks count as environments.
    let (status, unnamed) = fork(&app, &token, &parent, json!({})).await;
    assert_eq!(status, 202, "{unnamed}");
    assert_ne!(unnamed["name"], "the-fork");
    let (status, taken) = fork(&app, &token, &parent, json!({"name": "the-fork"})).await;
    assert_eq!(
        (status, taken["code"].as_str()),
        (409, Some("CONTAINER_NAME_TAKEN"))
    );
    assert_eq!(app.usage(&token).await, 3);

    // Its layer was copied in place: it runs its parent's image, and nothing was committed.
    assert_eq!(
        engine::inspect(&app.settings, &format!("sbx-{id}"))["Config"]["Image"],
        engine::inspect(&app.settings, &format!("sbx-{parent}"))["Config"]["Image"]
    );
    let deleted = app
        .delete(&format!("/api/containers/{id}"), Some(&token))
        .await;
    assert_eq!(deleted.status(), 200);
    assert_eq!(parent_view["status"], "running");
}

#[tokio::test]
async fn a_fork_copied_in_place_keeps_its_disk_quota_and_leaves_its_parent_running() {
    let app = spawn_app().await;
    let token = app.user_token("fork-quota").await;
    let parent = app.running_busybox(&token, json!({"disk_mb": 1024})).await;
    write_note(&app.settings, &parent, "before-the-fork");
    let (status, forked) = fork(&app, &token, &parent, json!({})).await;
    assert_eq!(status, 202, "{forked}");
    let id = forked["id"].as_str().unwrap();
    app.wait_running(&token, id, READY_WITHIN).await;
    // The parent ran on through the copy, its state never anything but running.
    let (_, parent_view) = app.container(&token, &parent).await;
    assert_eq!(parent_view["status"], "running");
    assert_eq!(read_note(&app.settings, &parent), "before-the-fork");
    let fill = engine::exec(
        &app.settings,
        &format!("sbx-{id}"),
        "dd if=/dev/zero of=/root/fill bs=1M count=1200 2>&1; echo exit=$?",
    );
    let said = String::from_utf8_lossy(&fill.stdout);
    assert!(
        !said.contains("exit=0"),
        "1200 MB fit a 1024 MB disk: {said}"
    );
    assert!(said.contains("space") || said.contains("quota"), "{said}");
}

#[tokio::test]
async fn where_layers_cannot_be_copied_a_fork_commits_an_image_of_its_own() {
    let app = spawn_app_with(|settings| settings.node.fork_snapshots = false).await;
    let token = app.user_token("fork-committer").await;
    let parent = app.running_busybox(&token, json!({})).await;
    write_note(&app.settings, &parent, "committed-from-parent");
    let (status, forked) = fork(&app, &token, &parent, json!({})).await;
    assert_eq!(status, 202, "{forked}");
    let id = forked["id"].as_str().unwrap();
    app.wait_running(&token, id, READY_WITHIN).await;
    assert_eq!(read_note(&app.settings, id), "committed-from-parent");
    // A fork's image goes with the fork.
    let image = fork_image(&app, id);
    let deleted = app
        .delete(&format!("/api/containers/{id}"), Some(&token))
        .await;
    assert_eq!(deleted.status(), 200);
    assert!(
        !engine::docker(&app.settings, &["image", "inspect", &image])
            .status
            .success()
    );
}

#[tokio::test]
async fn a_fork_over_the_quota_is_refused_with_nothing_made() {
    let app = spawn_app().await;
    app.edit_tier("free", json!({"max_containers": 1})).await;
    let token = app.user_token("fork-over-quota").await;
    let parent = app.running_busybox(&token, json!({})).await;
    let images_before = committed_images(&app.settings);
    let (status, refused) = fork(&app, &token, &parent, json!({})).await;
    assert_eq!(status, 403, "{refused}");
    assert_eq!(refused["code"], "CONTAINER_LIMIT_REACHED");
    assert_eq!(app.usage(&token).await, 1);
    assert_eq!(committed_images(&app.settings), images_before);
    let listed: Value = app
        .get("/api/containers", Some(&token))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(listed["count"], 1);
}

/// The image a fork runs, as its engine says.
fn fork_image(app: &crate::support::app::TestApp, id: &str) -> String {
    let inspected = engine::inspect(&app.settings, &format!("sbx-{id}"));
    let image = inspected["Config"]["Image"].as_str().unwrap().to_string();
    assert!(image.starts_with("sandboxd-fork/"), "{image}");
    image
}
