//! A node whose engine answers over TCP with mutual TLS, as one on another machine would: its
//! worker makes environments there, and the API reaches them there, only with the client
//! certificate the engine trusts.

use super::{
    database, echo, engine_tls, exec_true, small_busybox, tls_engine_of, NodeWorker, Reach,
};
use crate::support::app::{assert_error, spawn_app_beside, spawn_app_with};
use crate::support::provisioning::READY_WITHIN;

#[tokio::test]
async fn environments_on_an_engine_reached_with_mutual_tls_are_made_and_reached_through_it() {
    let app = spawn_app_with(|settings| settings.engine_tls = Some(engine_tls())).await;
    let node_b =
        NodeWorker::start_reaching(&app, "node-b", "pool=fast", Reach::Tls(engine_tls())).await;
    let registered: String = sqlx::query_scalar("SELECT engine FROM nodes WHERE name = 'node-b'")
        .fetch_one(&database(&app).await)
        .await
        .unwrap();
    assert_eq!(registered, tls_engine_of("node-b"));
    assert!(registered.starts_with("tcp://"), "{registered}");

    let admin = app.admin_token().await;
    let body = small_busybox(&app, Some("node-b"));
    let (status, created) = app.create(&admin, body).await;
    assert_eq!(status, 202, "{created}");
    let id = created["id"].as_str().unwrap().to_string();
    app.wait_running(&admin, &id, READY_WITHIN).await;
    assert!(node_b.holds(&id), "not made on node-b's engine");
    assert_eq!(echo(&app, &admin, &id).await, "reached\n");

    // An API process without the client certificate cannot reach that engine at all.
    let uncertified = spawn_app_beside(&app, |settings| settings.engine_tls = None).await;
    let admin = uncertified.admin_token().await;
    let exec = exec_true(&uncertified, &admin, &id).await;
    assert_error(exec, 503, "DOCKER_UNAVAILABLE").await;
}
