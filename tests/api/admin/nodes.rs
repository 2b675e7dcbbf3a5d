//! Nodes: the server registers the engine beside it, with its labels and capacity, and an
//! admin sees it go down once its heartbeats stop, edits, drains and removes nodes.

use std::time::Duration;

use reqwest::{Method, Response};
use serde_json::{json, Value};
use sqlx::{Connection, PgConnection};

use crate::support::app::{assert_error, spawn_app_beside, spawn_app_with, TestApp};

async fn nodes(app: &TestApp, token: &str) -> Vec<Value> {
    let response = app.get("/api/admin/nodes", Some(token)).await;
    assert_eq!(response.status(), 200);
    response.json().await.unwrap()
}

/// Waits for the app's own node, which it registers as it starts.
pub(super) async fn registered(app: &TestApp, token: &str) -> Vec<Value> {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    loop {
        let listed = nodes(app, token).await;
        if !listed.is_empty() || tokio::time::Instant::now() > deadline {
            return listed;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

pub(super) async fn node(app: &TestApp, token: &str, name: &str) -> Value {
    let response = app
        .get(&format!("/api/admin/nodes/{name}"), Some(token))
        .await;
    assert_eq!(response.status(), 200);
    response.json().await.unwrap()
}

pub(super) async fn edit(app: &TestApp, token: &str, name: &str, changes: Value) -> Response {
    let path = format!("/api/admin/nodes/{name}");
    let request = app.request(Method::PATCH, &path, Some(token));
    request.json(&changes).send().await.unwrap()
}

/// `drain` or `undrain`; the node as answered.
pub(super) async fn set(app: &TestApp, token: &str, name: &str, action: &str) -> Value {
    let path = format!("/api/admin/nodes/{name}/{action}");
    let response = app.post(&path, Some(token), &json!({})).await;
    assert_eq!(response.status(), 200, "{action} {name}");
    response.json().await.unwrap()
}

/// A node with no sandboxd beside it, on the test's own engine: placement counts it like
/// any other, but nothing may be made on it, since no worker takes its jobs.
pub(super) async fn add_node(app: &TestApp, name: &str, cpus: i32, memory_mb: i64) {
    let mut db = PgConnection::connect(&app.settings.database_url)
        .await
        .unwrap();
    sqlx::query(
        "INSERT INTO nodes (name, engine, cpus, memory_mb, version, cpu_overcommit, memory_overcommit)
         VALUES ($1, $2, $3, $4, 'test', 1, 1)",
    )
    .bind(name)
    .bind(&app.settings.docker_host)
    .bind(cpus)
    .bind(memory_mb)
    .execute(&mut db)
    .await
    .unwrap();
}

#[tokio::test]
async fn the_servers_engine_is_a_node_that_goes_down_when_its_heartbeats_stop() {
    let app = spawn_app_with(|settings| {
        settings.node.name = "build-1".into();
        settings.node.labels = [("pool".to_string(), "fast".to_string())].into();
        settings.node.cpu_overcommit = 2.0;
        // One beat at start, then none within the test: the clock below stands for time.
        settings.node.heartbeat_every = Duration::from_secs(3600);
    })
    .await;
    let admin = app.admin_token().await;
    let listed = registered(&app, &admin).await;
    assert_eq!(listed.len(), 1, "{listed:?}");
    let node = &listed[0];
    assert_eq!(node["name"], "build-1");
    assert_eq!(node["state"], "active");
    assert_eq!(node["labels"]["pool"], "fast");
    assert_eq!(node["engine"], app.settings.docker_host.as_str());
    let cpus = node["cpus"].as_i64().unwrap();
    assert!(cpus > 0 && node["memory_mb"].as_i64().unwrap() > 0);
    // The engine's data lives on a filesystem of its own (scripts/docker-engine.sh): its size.
    assert!(node["disk_mb"].as_i64().unwrap_or(0) > 1000, "{node}");
    assert_eq!(node["cpu_capacity_millicores"], cpus * 2000, "{node}");
    assert_eq!(node["environments"], 0);
    assert_eq!(node["cpu_reserved_millicores"], 0);
    assert_eq!(node["version"], env!("CARGO_PKG_VERSION"));

    let user = app.user_token("not-an-admin").await;
    assert_eq!(app.get("/api/admin/nodes", Some(&user)).await.status(), 403);
    let one = app.get("/api/admin/nodes/build-1", Some(&user)).await;
    assert_error(one, 403, "INSUFFICIENT_SCOPE").await;

    let mut db = PgConnection::connect(&app.settings.database_url)
        .await
        .unwrap();
    sqlx::query("UPDATE nodes SET heartbeat_at = now() - interval '31 seconds'")
        .execute(&mut db)
        .await
        .unwrap();
    assert_eq!(nodes(&app, &admin).await[0]["state"], "down");
}

#[tokio::test]
async fn an_admin_edits_drains_and_removes_a_node_and_each_change_is_audited() {
    let app = spawn_app_with(|settings| {
        settings.node.name = "home".into();
        settings.node.labels = [("pool".to_string(), "fast".to_string())].into();
        settings.node.down_after = Duration::from_secs(600);
    })
    .await;
    let admin = app.admin_token().await;
    registered(&app, &admin).await;
    add_node(&app, "spare", 2, 2048).await;
    let spare = node(&app, &admin, "spare").await;
    assert_eq!(spare["state"], "active");
    assert_eq!(spare["cpu_capacity_millicores"], 2000);
    assert_eq!(spare["memory_capacity_mb"], 2048);
    let missing = app.get("/api/admin/nodes/nowhere", Some(&admin)).await;
    assert_error(missing, 404, "NODE_NOT_FOUND").await;
    assert_error(
        edit(&app, &admin, "nowhere", json!({})).await,
        404,
        "NODE_NOT_FOUND",
    )
    .await;

    for (changes, code) in [
        (json!({"labels": {"bad key": "x"}}), "INVALID_NODE_LABELS"),
        (json!({"labels": {"pool": ""}}), "INVALID_NODE_LABELS"),
        (json!({"cpu_overcommit": 0}), "INVALID_OVERCOMMIT"),
        (json!({"memory_overcommit": 1000.5}), "INVALID_OVERCOMMIT"),
    ] {
        assert_error(edit(&app, &admin, "spare", changes).await, 400, code).await;
    }
    let changes =
        json!({"labels": {"pool": "slow"}, "cpu_overcommit": 2.5, "memory_overcommit": 1.5});
    let response = edit(&app, &admin, "spare", changes).await;
    assert_eq!(response.status(), 200);
    let spare: Value = response.json().await.unwrap();
    assert_eq!(spare["labels"], json!({"pool": "slow"}));
    assert_eq!(spare["labels_by_admin"], true);
    assert_eq!(spare["cpu_capacity_millicores"], 5000);
    assert_eq!(spare["memory_capacity_mb"], 3072);

    let doomed = app.delete("/api/admin/nodes/spare", Some(&admin)).await;
    assert_error(doomed, 409, "NODE_NOT_DRAINED").await;
    let body = json!({"node": "spare", "memory_mb": 512, "cpu_shares": 500});
    let created = app.create_busybox(&admin, body).await;
    assert_eq!(created["node"], "spare", "{created}");
    assert_eq!(
        set(&app, &admin, "spare", "drain").await["state"],
        "draining"
    );
    let spare = set(&app, &admin, "spare", "drain").await;
    assert_eq!(
        (&spare["state"], &spare["draining"]),
        (&json!("draining"), &json!(true))
    );
    assert_eq!(spare["environments"], 1);
    assert_eq!(spare["cpu_reserved_millicores"], 500);
    assert_eq!(spare["memory_reserved_mb"], 512);
    let doomed = app.delete("/api/admin/nodes/spare", Some(&admin)).await;
    let refused = assert_error(doomed, 409, "NODE_NOT_EMPTY").await;
    assert_eq!(refused["details"]["environments"], 1);

    let id = created["id"].as_str().unwrap();
    let gone = app
        .delete(&format!("/api/containers/{id}"), Some(&admin))
        .await;
    assert!(gone.status().is_success(), "{}", gone.status());
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    while app.container(&admin, id).await.0 != 404 {
        assert!(tokio::time::Instant::now() < deadline, "{id} never deleted");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let removed = app.delete("/api/admin/nodes/spare", Some(&admin)).await;
    assert_eq!(removed.status(), 204);
    let missing = app.get("/api/admin/nodes/spare", Some(&admin)).await;
    assert_error(missing, 404, "NODE_NOT_FOUND").await;

    // Labels an admin set outlast the node registering again with those of its settings.
    let response = edit(&app, &admin, "home", json!({"labels": {"pool": "gpu"}})).await;
    assert_eq!(response.status(), 200);
    let restarted = spawn_app_beside(&app, |_| {}).await;
    let home = node(&restarted, &admin, "home").await;
    assert_eq!(home["labels"], json!({"pool": "gpu"}), "{home}");

    let audit: Value = app
        .get("/api/admin/audit?limit=200", Some(&admin))
        .await
        .json()
        .await
        .unwrap();
    let recorded: Vec<(String, String, i64)> = audit["entries"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|entry| entry["action"].as_str().unwrap().contains("/nodes/"))
        .map(|entry| {
            let text = |key: &str| entry[key].as_str().unwrap_or_default().to_string();
            (
                text("action"),
                text("target"),
                entry["status"].as_i64().unwrap(),
            )
        })
        .collect();
    for wanted in [
        ("PATCH /api/admin/nodes/{name}", "spare", 400),
        ("PATCH /api/admin/nodes/{name}", "spare", 200),
        ("POST /api/admin/nodes/{name}/drain", "spare", 200),
        ("DELETE /api/admin/nodes/{name}", "spare", 409),
        ("DELETE /api/admin/nodes/{name}", "spare", 204),
        ("PATCH /api/admin/nodes/{name}", "home", 200),
    ] {
        let wanted = (wanted.0.to_string(), wanted.1.to_string(), wanted.2);
        assert!(recorded.contains(&wanted), "{wanted:?} not in {recorded:?}");
    }
}
