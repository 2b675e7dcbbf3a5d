//! A node whose worker and engine stop: it turns down, its environments show `unavailable`
//! and refuse work with `NODE_UNAVAILABLE`, what it had not started making goes to another
//! node, and when it is back its records agree with its engine again.

use std::time::{Duration, Instant};

use super::relay::EngineRelay;
use super::{database, echo, engine_of, exec_true, small_busybox, NodeWorker, Reach};
use crate::support::app::{assert_error, spawn_app_with, TestApp};
use crate::support::provisioning::READY_WITHIN;

async fn wait_for(app: &TestApp, token: &str, id: &str, status: &str) -> serde_json::Value {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let (_, view) = app.container(token, id).await;
        if view["status"] == status {
            return view;
        }
        assert!(Instant::now() < deadline, "never {status}: {view}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

fn quick_to_call_down(settings: &mut sandboxd::config::Settings) {
    // Short, but not so short that a busy machine delaying a heartbeat or two (they come
    // every half second) makes the node look down before the test takes it down.
    settings.node.down_after = Duration::from_secs(5);
    settings.node.heartbeat_every = Duration::from_millis(500);
}

#[tokio::test]
async fn a_node_whose_worker_and_engine_stop_is_down_until_it_is_back_and_its_queue_goes_elsewhere()
{
    let app = spawn_app_with(quick_to_call_down).await;
    let db = database(&app).await;
    // The worker and the API reach node-c's engine through a relay: cutting it stops the
    // engine as far as sandboxd can tell, without stopping one other tests share.
    let mut relay = EngineRelay::start("node-c", &engine_of("node-c"));
    let reach = Reach::Relay(relay.address());
    let mut node_c = NodeWorker::start_reaching(&app, "node-c", "pool=slow", reach).await;
    let admin = app.admin_token().await;
    let (status, on_c) = app
        .create(&admin, small_busybox(&app, Some("node-c")))
        .await;
    assert_eq!(status, 202, "{on_c}");
    let on_c = on_c["id"].as_str().unwrap().to_string();
    app.wait_running(&admin, &on_c, READY_WITHIN).await;

    node_c.kill();
    relay.cut();
    // Still counted as up for a moment: a create that prefers it (the app's own node has
    // less room) is queued there, where no worker will take it.
    sqlx::query("UPDATE nodes SET memory_overcommit = 1 WHERE name = $1")
        .bind(&app.settings.node.name)
        .execute(&db)
        .await
        .unwrap();
    let (status, queued) = app.create(&admin, small_busybox(&app, Some("_any"))).await;
    assert_eq!(status, 202, "{queued}");
    assert_eq!(queued["node"], "node-c", "{queued}");
    let queued = queued["id"].as_str().unwrap().to_string();

    let unavailable = wait_for(&app, &admin, &on_c, "unavailable").await;
    assert_eq!(unavailable["node"], "node-c");
    let listed: serde_json::Value = app
        .get("/api/containers", Some(&admin))
        .await
        .json()
        .await
        .unwrap();
    let row = listed["containers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == on_c.as_str());
    assert_eq!(row.unwrap()["status"], "unavailable", "{listed}");
    let exec = exec_true(&app, &admin, &on_c).await;
    assert_error(exec, 503, "NODE_UNAVAILABLE").await;

    let moved = app.wait_running(&admin, &queued, READY_WITHIN).await;
    assert_eq!(moved["node"], app.settings.node.name.as_str(), "{moved}");
    assert!(!node_c.holds(&queued), "made on the node that was down too");

    // Changed while nobody watched: once back, the node's own housekeeping sees it.
    let stopped = node_c.docker(&["stop", "-t", "1", &format!("sbx-{on_c}")]);
    assert!(stopped.status.success(), "{stopped:?}");
    relay.resume();
    node_c.restart();
    let back = wait_for(&app, &admin, &on_c, "stopped").await;
    assert_eq!(back["node"], "node-c");
}

#[tokio::test]
async fn a_node_whose_engine_stops_answering_is_down_though_its_worker_runs() {
    let app = spawn_app_with(quick_to_call_down).await;
    let mut relay = EngineRelay::start("node-b", &engine_of("node-b"));
    let _node_b =
        NodeWorker::start_reaching(&app, "node-b", "pool=fast", Reach::Relay(relay.address()))
            .await;
    let admin = app.admin_token().await;
    let (status, made) = app
        .create(&admin, small_busybox(&app, Some("node-b")))
        .await;
    assert_eq!(status, 202, "{made}");
    let id = made["id"].as_str().unwrap().to_string();
    app.wait_running(&admin, &id, READY_WITHIN).await;

    relay.cut();
    let unavailable = wait_for(&app, &admin, &id, "unavailable").await;
    assert_eq!(unavailable["node"], "node-b");
    assert_error(exec_true(&app, &admin, &id).await, 503, "NODE_UNAVAILABLE").await;
    let nodes: serde_json::Value = app
        .get("/api/admin/nodes", Some(&admin))
        .await
        .json()
        .await
        .unwrap();
    let node_b = nodes
        .as_array()
        .unwrap()
        .iter()
        .find(|node| node["name"] == "node-b");
    assert_eq!(node_b.unwrap()["state"], "down", "{nodes}");

    relay.resume();
    wait_for(&app, &admin, &id, "running").await;
    // The API keeps what it learnt of a node for a few seconds.
    let deadline = Instant::now() + Duration::from_secs(10);
    while echo(&app, &admin, &id).await.trim() != "reached" {
        assert!(
            Instant::now() < deadline,
            "node-b's engine never reached again"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}
