//! Nodes: the server registers the engine beside it, with its labels and capacity, and an
//! admin sees it go down once its heartbeats stop.

use std::time::Duration;

use serde_json::Value;
use sqlx::{Connection, PgConnection};

use crate::support::app::{spawn_app_with, TestApp};

async fn nodes(app: &TestApp, token: &str) -> Vec<Value> {
    let response = app.get("/api/admin/nodes", Some(token)).await;
    assert_eq!(response.status(), 200);
    response.json().await.unwrap()
}

#[tokio::test]
async fn the_servers_engine_is_a_node_that_goes_down_when_its_heartbeats_stop() {
    let app = spawn_app_with(|settings| {
        settings.node.name = "build-1".into();
        settings.node.labels = [("pool".to_string(), "fast".to_string())].into();
        // One beat at start, then none within the test: the clock below stands for time.
        settings.node.heartbeat_every = Duration::from_secs(3600);
    })
    .await;
    let admin = app.admin_token().await;
    let listed = {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
        loop {
            let listed = nodes(&app, &admin).await;
            if !listed.is_empty() || tokio::time::Instant::now() > deadline {
                break listed;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    };
    assert_eq!(listed.len(), 1, "{listed:?}");
    let node = &listed[0];
    assert_eq!(node["name"], "build-1");
    assert_eq!(node["state"], "active");
    assert_eq!(node["labels"]["pool"], "fast");
    assert_eq!(node["engine"], app.settings.docker_host.as_str());
    assert!(node["cpus"].as_i64().unwrap() > 0 && node["memory_mb"].as_i64().unwrap() > 0);
    assert_eq!(node["version"], env!("CARGO_PKG_VERSION"));

    let user = app.user_token("not-an-admin").await;
    assert_eq!(app.get("/api/admin/nodes", Some(&user)).await.status(), 403);

    let mut db = PgConnection::connect(&app.settings.database_url)
        .await
        .unwrap();
    sqlx::query("UPDATE nodes SET heartbeat_at = now() - interval '31 seconds'")
        .execute(&mut db)
        .await
        .unwrap();
    assert_eq!(nodes(&app, &admin).await[0]["state"], "down");
}
