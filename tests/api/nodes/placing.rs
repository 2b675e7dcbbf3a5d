//! Where environments go: `_any` by room, a node by name, nodes by label; and that each one
//! is made, and reached, on the engine of the node it was placed on.

use std::collections::BTreeMap;

use futures_util::future::join_all;
use serde_json::json;

use super::{echo, small_busybox, NodeWorker};
use crate::support::app::{assert_error, spawn_app};
use crate::support::provisioning::READY_WITHIN;

#[tokio::test]
async fn a_burst_spreads_over_three_nodes_and_each_environment_lives_and_answers_on_its_own() {
    let app = spawn_app().await;
    let node_b = NodeWorker::start(&app, "node-b", "pool=fast").await;
    let node_c = NodeWorker::start(&app, "node-c", "pool=slow").await;
    let mut tokens = Vec::new();
    for name in ["spread-one", "spread-two"] {
        tokens.push(app.user_token(name).await);
    }
    let creates = (0..6).map(|index| app.create(&tokens[index % 2], small_busybox(&app, None)));
    let created = join_all(creates).await;

    let mut per_node = BTreeMap::<String, usize>::new();
    for (index, (status, environment)) in created.iter().enumerate() {
        assert_eq!(*status, 202, "{environment}");
        let node = environment["node"]
            .as_str()
            .expect("placed at once")
            .to_string();
        *per_node.entry(node).or_default() += 1;
        let id = environment["id"].as_str().unwrap();
        let token = &tokens[index % 2];
        app.wait_running(token, id, READY_WITHIN).await;
        assert_eq!(echo(&app, token, id).await, "reached\n");
        let on_b = node_b.holds(id);
        let on_c = node_c.holds(id);
        match environment["node"].as_str().unwrap() {
            "node-b" => assert!(on_b && !on_c, "{id} is not (only) on node-b"),
            "node-c" => assert!(on_c && !on_b, "{id} is not (only) on node-c"),
            _ => assert!(!on_b && !on_c, "{id} is on an extra engine"),
        }
    }
    // Three nodes with the same room, six equal environments: two each.
    assert_eq!(per_node.len(), 3, "{per_node:?}");
    assert!(per_node.values().all(|count| *count == 2), "{per_node:?}");
}

#[tokio::test]
async fn a_name_and_a_label_take_an_environment_to_that_node_as_far_as_the_tier_allows() {
    let app = spawn_app().await;
    let node_b = NodeWorker::start(&app, "node-b", "pool=fast").await;
    let _node_c = NodeWorker::start(&app, "node-c", "pool=slow").await;
    app.edit_tier("free", json!({"node_targets": ["_any", "pool:fast"]}))
        .await;
    let user = app.user_token("targeting").await;

    let (status, environment) = app
        .create(&user, small_busybox(&app, Some("pool:fast")))
        .await;
    assert_eq!(status, 202, "{environment}");
    assert_eq!(environment["node"], "node-b");
    let id = environment["id"].as_str().unwrap();
    app.wait_running(&user, id, READY_WITHIN).await;
    assert!(node_b.holds(id));

    for refused in ["node-c", "pool:slow", "pool:none"] {
        let response = app
            .post(
                "/api/containers",
                Some(&user),
                &small_busybox(&app, Some(refused)),
            )
            .await;
        assert_error(response, 403, "NODE_NOT_ALLOWED").await;
    }
    let response = app
        .post(
            "/api/containers",
            Some(&user),
            &small_busybox(&app, Some("a b")),
        )
        .await;
    assert_error(response, 400, "INVALID_NODE").await;

    let admin = app.admin_token().await;
    for unknown in ["pool:none", "nowhere"] {
        let response = app
            .post(
                "/api/containers",
                Some(&admin),
                &small_busybox(&app, Some(unknown)),
            )
            .await;
        assert_error(response, 404, "NODE_NOT_FOUND").await;
    }
    let (status, environment) = app
        .create(&admin, small_busybox(&app, Some("node-c")))
        .await;
    assert_eq!(status, 202, "{environment}");
    assert_eq!(environment["node"], "node-c");
    // Nothing was left behind by the refusals: the user holds one environment.
    assert_eq!(app.usage(&user).await, 1);
}
