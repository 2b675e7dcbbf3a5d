//! Stats from the engine's real figures, in the Nekzus shapes.

use std::time::Duration;

use serde_json::{json, Value};

use crate::support::app::{assert_error, spawn_app};
use crate::support::engine;

#[tokio::test]
async fn stats_show_the_environments_real_limits_and_leave_stopped_ones_out_of_the_batch() {
    let app = spawn_app().await;
    let token = app.user_token("watcher").await;
    let stranger = app.user_token("stranger").await;
    let mut ids = Vec::new();
    for _ in 0..2 {
        let id = app
            .running_busybox(&token, json!({"memory_mb": 512, "cpu_shares": 500}))
            .await;
        ids.push(id);
    }
    // A spinning shell uses all of its half core, so the reading must show real CPU use.
    let name = format!("sbx-{}", ids[0]);
    let spin = ["exec", "-d", &name, "/bin/sh", "-c", "while :; do :; done"];
    assert!(engine::docker(&app.settings, &spin).status.success());

    let response = app
        .get(&format!("/api/containers/{}/stats", ids[0]), Some(&token))
        .await;
    assert_eq!(response.status(), 200);
    let stats: Value = response.json().await.unwrap();
    assert_eq!(stats["containerId"], ids[0].as_str());
    assert_eq!(stats["memory"]["limit"], 512 * 1024 * 1024);
    let used = stats["memory"]["used"].as_u64().unwrap();
    assert!(used > 0, "{stats}");
    assert_eq!(
        stats["memory"]["available"].as_u64().unwrap(),
        512 * 1024 * 1024 - used
    );
    assert_eq!(stats["cpu"]["totalCores"], 0.5);
    let usage = stats["cpu"]["usage"].as_f64().unwrap();
    assert!(usage > 20.0 && usage <= 150.0, "{stats}");
    // The next reading is measured against this one's counters: still the spinning shell's.
    let again: Value = app
        .get(&format!("/api/containers/{}/stats", ids[0]), Some(&token))
        .await
        .json()
        .await
        .unwrap();
    let usage = again["cpu"]["usage"].as_f64().unwrap();
    assert!(usage > 20.0 && usage <= 150.0, "{again}");
    assert!(stats["network"]["rx"].is_u64() && stats["network"]["tx"].is_u64());
    assert!(stats["timestamp"].as_i64().unwrap() > 0);

    let response = app
        .get(
            &format!("/api/containers/{}/stats", ids[0]),
            Some(&stranger),
        )
        .await;
    assert_error(response, 404, "CONTAINER_NOT_FOUND").await;

    let stop = app
        .post(
            &format!("/api/containers/{}/stop?timeout=1", ids[1]),
            Some(&token),
            &Value::Null,
        )
        .await;
    assert_eq!(stop.status(), 202);
    app.wait_status(&token, &ids[1], "stopped", Duration::from_secs(30))
        .await;
    let response = app
        .get(&format!("/api/containers/{}/stats", ids[1]), Some(&token))
        .await;
    assert_error(response, 409, "CONTAINER_NOT_RUNNING").await;

    let batch: Value = app
        .get("/api/containers/stats", Some(&token))
        .await
        .json()
        .await
        .unwrap();
    let listed: Vec<&str> = batch["containers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["containerId"].as_str().unwrap())
        .collect();
    assert_eq!(listed, vec![ids[0].as_str()], "{batch}");
    let nobody: Value = app
        .get("/api/containers/stats", Some(&stranger))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(nobody["containers"], json!([]));
}

#[tokio::test]
async fn the_stats_banner_shows_the_environments_own_disk_quota_and_use() {
    let app = spawn_app().await;
    let token = app.user_token("disk-reader").await;
    let id = app.running_busybox(&token, json!({})).await;
    let (_, environment) = app.container(&token, &id).await;
    let quota = environment["resources"]["disk_mb"].as_u64().unwrap();
    let container = environment["docker_id"].as_str().unwrap();
    let banner =
        crate::support::engine::exec(&app.settings, container, "sh /usr/lib/sandboxd/stats.sh");
    let banner = String::from_utf8_lossy(&banner.stdout);
    let disk = banner.split("disk: ").nth(1).unwrap_or("").trim();
    let (used, quota_shown) = disk.split_once(" MB used of ").expect(&banner);
    assert_eq!(quota_shown, format!("{quota} MB"), "{banner}");
    let used: u64 = used.parse().expect(&banner);
    assert!(used < quota, "{banner}");
}
