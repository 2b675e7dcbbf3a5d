//! `POST /api/node/{hostname}/container/docker/{id}/exec`: OSAPI's results for an
//! environment on node-b, reached through its node or `_any`, and no one else's.

use serde_json::{json, Value};

use super::{body, create, exec};
use crate::nodes::NodeWorker;
use crate::support::app::{assert_error, spawn_app};
use crate::support::provisioning::READY_WITHIN;

#[tokio::test]
async fn exec_answers_in_osapi_shape_through_the_environments_node_and_only_to_its_owner() {
    let app = spawn_app().await;
    let _node_b = NodeWorker::start(&app, "node-b", "pool=fast").await;
    let _node_c = NodeWorker::start(&app, "node-c", "pool=slow").await;
    app.edit_tier("free", json!({"node_targets": ["_any", "node-b"]}))
        .await;
    let owner = app.user_token("osapi-owner").await;
    let (status, job) = create(&app, &owner, "node-b", &body(&app)).await;
    assert_eq!(status, 202, "{job}");
    let id = job["results"][0]["id"].as_str().unwrap().to_string();
    let name = job["results"][0]["name"].as_str().unwrap().to_string();
    app.wait_running(&owner, &id, READY_WITHIN).await;

    let script = ["sh", "-c", "echo \"$GREETING\"; echo oops >&2; exit 3"];
    for (hostname, reference) in [("node-b", &id), ("_any", &name)] {
        let response = exec(&app, &owner, hostname, reference, &script).await;
        assert_eq!(response.status(), 202);
        let job: Value = response.json().await.unwrap();
        assert!(uuid::Uuid::parse_str(job["job_id"].as_str().unwrap()).is_ok());
        let result = &job["results"][0];
        assert_eq!(job["results"].as_array().unwrap().len(), 1, "{job}");
        assert_eq!(result["hostname"], "node-b", "{job}");
        assert_eq!(result["stdout"], "hello\n", "{job}");
        assert_eq!(result["stderr"], "oops\n", "{job}");
        assert_eq!(result["exit_code"], 3, "{job}");
        assert_eq!(result["changed"], true, "{job}");
        assert!(result["error"].is_null(), "{job}");
    }

    // Another node, or another user, finds no such environment.
    let response = exec(&app, &owner, "node-c", &id, &["true"]).await;
    assert_error(response, 404, "CONTAINER_NOT_FOUND").await;
    let stranger = app.user_token("osapi-stranger").await;
    for hostname in ["_any", "node-b"] {
        let response = exec(&app, &stranger, hostname, &id, &["true"]).await;
        assert_error(response, 404, "CONTAINER_NOT_FOUND").await;
    }
    let response = exec(&app, &owner, "_all", &id, &["true"]).await;
    assert_error(response, 403, "NODE_NOT_ALLOWED").await;
    // An API token without the exec scope may not run commands this way either.
    let read_only = app.api_token(&owner, &["read"]).await;
    let read_only = read_only["token"].as_str().unwrap();
    let response = exec(&app, read_only, "_any", &id, &["true"]).await;
    assert_error(response, 403, "INSUFFICIENT_SCOPE").await;
}
