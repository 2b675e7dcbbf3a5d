//! A pool per node: node-b's own worker fills node-b's pool, and a create placed on node-b
//! (by name or label) takes its member there; the app's node has none.

use serde_json::json;

use super::{filled_pool, member_ids, pooled_app, wait_filled};
use crate::nodes::NodeWorker;
use crate::support::provisioning::READY_WITHIN;

#[tokio::test]
async fn each_node_fills_its_own_pool_and_creates_placed_there_take_from_it() {
    let app = pooled_app(|_| {}).await;
    let node_b = NodeWorker::start(&app, "node-b", "pool=fast").await;
    let admin = app.admin_token().await;
    let pool = filled_pool(&app, &admin, "node-b", 1).await;
    let member = member_ids(&app).await.remove(0);
    assert!(
        node_b.holds(&member),
        "the member is not on node-b's engine"
    );

    let user = app.user_token("pool-on-node-b").await;
    // Not allowed to name a node: `_any` finds the member on node-b all the same.
    let (status, made) = app.create(&user, json!({"image": "debian:bookworm"})).await;
    assert_eq!(status, 202, "{made}");
    assert_eq!(made["id"], member.as_str());
    let view = app.wait_running(&user, &member, READY_WITHIN).await;
    assert_eq!(view["node"], "node-b", "{view}");
    let exec = app
        .post(
            &format!("/api/containers/{member}/exec"),
            Some(&user),
            &json!({"command": ["true"]}),
        )
        .await;
    assert!(exec.status().is_success(), "{}", exec.status());

    // A create that names the app's own node does not take node-b's member.
    wait_filled(&app, &admin, &pool, 1).await;
    let next = member_ids(&app).await.remove(0);
    let own = app.settings.node.name.clone();
    let (status, made) = app
        .create(&admin, json!({"image": "debian:bookworm", "node": own}))
        .await;
    assert_eq!(status, 202, "{made}");
    assert_ne!(made["id"], next.as_str());
    assert_eq!(member_ids(&app).await, [next]);
}
