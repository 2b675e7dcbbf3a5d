//! One API reaches an environment on another node for everything: its terminal, files,
//! stats, logs, export and lifecycle all go to that node's engine.

use std::time::Duration;

use futures_util::SinkExt;
use reqwest::Method;
use serde_json::{json, Value};
use tokio_tungstenite::tungstenite::Message;

use super::{echo, small_busybox, NodeWorker};
use crate::support::app::spawn_app;
use crate::support::provisioning::READY_WITHIN;
use crate::support::terminal::Terminal;
use crate::support::ws;

#[tokio::test]
async fn terminal_files_stats_logs_export_and_lifecycle_work_on_another_nodes_environment() {
    let app = spawn_app().await;
    let node_b = NodeWorker::start(&app, "node-b", "pool=fast").await;
    let admin = app.admin_token().await;
    let mut body = small_busybox(&app, Some("node-b"));
    body["name"] = json!("faraway");
    let (status, created) = app.create(&admin, body).await;
    assert_eq!(status, 202, "{created}");
    let id = created["id"].as_str().unwrap().to_string();
    app.wait_running(&admin, &id, READY_WITHIN).await;
    assert!(node_b.holds(&id));
    let url = |tail: &str| format!("/api/containers/{id}{tail}");

    let mut terminal = Terminal::open(&app, &admin, &id, "session=far").await;
    terminal.type_line("echo far-$((6*7))").await;
    terminal.read_until("far-42").await;
    terminal.close().await;

    let upload = app
        .request(Method::POST, &url("/files"), Some(&admin))
        .query(&[("path", "/tmp/far.txt")])
        .header("Content-Type", "application/octet-stream")
        .body("from afar".as_bytes().to_vec())
        .send()
        .await
        .unwrap();
    assert!(upload.status().is_success(), "{}", upload.status());
    let download = app
        .request(Method::GET, &url("/files"), Some(&admin))
        .query(&[("path", "/tmp/far.txt")])
        .send()
        .await
        .unwrap();
    assert_eq!(download.text().await.unwrap(), "from afar");
    let placed_there = node_b.docker(&["exec", &format!("sbx-{id}"), "cat", "/tmp/far.txt"]);
    assert_eq!(String::from_utf8_lossy(&placed_there.stdout), "from afar");

    let stats: Value = app
        .get(&url("/stats"), Some(&admin))
        .await
        .json()
        .await
        .unwrap();
    // Read from node-b's engine: the environment's own memory limit, not a missing sample.
    assert!(stats["memory"]["used"].as_u64().unwrap_or(0) > 0, "{stats}");

    let mut events = ws::events(&app, &admin).await;
    let subscribe = json!({"type": "container.logs.subscribe",
                           "data": {"containerId": id, "tail": 5, "follow": false}});
    events
        .send(Message::text(subscribe.to_string()))
        .await
        .unwrap();
    let mut saw_log = false;
    while let Some(frame) = ws::next_json(&mut events, Duration::from_secs(10)).await {
        if frame["type"] == "container.logs" {
            saw_log = true;
            break;
        }
    }
    assert!(saw_log, "no log line came from node-b's engine");

    let export = app.post(&url("/export"), Some(&admin), &json!({})).await;
    assert_eq!(export.status(), 200);

    let stop = app
        .post(&url("/stop?timeout=1"), Some(&admin), &json!({}))
        .await;
    assert!(stop.status().is_success(), "{}", stop.status());
    app.wait_status(&admin, &id, "stopped", Duration::from_secs(20))
        .await;
    let running = node_b.docker(&["inspect", "-f", "{{.State.Running}}", &format!("sbx-{id}")]);
    assert_eq!(String::from_utf8_lossy(&running.stdout).trim(), "false");
    let start = app.post(&url("/start"), Some(&admin), &json!({})).await;
    assert!(start.status().is_success(), "{}", start.status());
    app.wait_status(&admin, &id, "running", READY_WITHIN).await;
    assert_eq!(echo(&app, &admin, &id).await, "reached\n");

    let removed = app.delete(&url(""), Some(&admin)).await;
    assert!(removed.status().is_success(), "{}", removed.status());
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    while node_b.holds(&id) {
        assert!(
            std::time::Instant::now() < deadline,
            "still on node-b after delete"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}
