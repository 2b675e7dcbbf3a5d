//! `POST /api/node/{hostname}/container/docker`: one environment for `_any` and a node's
//! name, one per node for `_all` and a label (admins only), host resources refused.
//! What they run and reach (a command, host access for admins) is in workload.rs.

use std::collections::BTreeSet;

use serde_json::{json, Value};

use super::{assert_made, body, create};
use crate::nodes::NodeWorker;
use crate::support::app::{assert_error, spawn_app};
use crate::support::engine;
use crate::support::provisioning::{busybox, READY_WITHIN};

#[tokio::test]
async fn any_and_a_node_make_one_ordinary_environment_and_fan_outs_are_for_admins() {
    let app = spawn_app().await;
    let node_b = NodeWorker::start(&app, "node-b", "pool=fast").await;
    app.edit_tier(
        "free",
        json!({"node_targets": ["_any", "node-b", "pool:fast"]}),
    )
    .await;
    let user = app.user_token("osapi-one").await;
    let image = busybox(&app);

    let (status, job) = create(&app, &user, "_any", &body(&app)).await;
    assert_eq!(status, 202, "{job}");
    assert!(uuid::Uuid::parse_str(job["job_id"].as_str().unwrap()).is_ok());
    let results = job["results"].as_array().unwrap();
    assert_eq!(results.len(), 1, "{job}");
    let placed_on = results[0]["hostname"].as_str().unwrap().to_string();
    let any_id = assert_made(&results[0], &placed_on, &image);

    let (status, job) = create(&app, &user, "node-b", &body(&app)).await;
    assert_eq!(status, 202, "{job}");
    let on_b = assert_made(&job["results"][0], "node-b", &image);
    // Ordinary environments: listed, provisioned, with the job's label and the variables.
    let listed: Value = app
        .get("/api/containers", Some(&user))
        .await
        .json()
        .await
        .unwrap();
    let listed = listed["containers"].as_array().unwrap();
    for id in [&any_id, &on_b] {
        assert!(
            listed.iter().any(|c| c["id"] == id.as_str()),
            "{id} not listed"
        );
    }
    let running = app.wait_running(&user, &on_b, READY_WITHIN).await;
    assert_eq!(running["node"], "node-b");
    assert!(node_b.holds(&on_b));
    let job_id = job["job_id"].as_str().unwrap();
    let path = format!("/api/containers?label=osapi.job={job_id}");
    let by_job: Value = app.get(&path, Some(&user)).await.json().await.unwrap();
    assert_eq!(by_job["containers"][0]["id"], on_b.as_str(), "{by_job}");

    // Fan-outs are refused to a non-admin even where the tier lists the label.
    for fan_out in ["_all", "pool:fast"] {
        let path = format!("/api/node/{fan_out}/container/docker");
        let response = app.post(&path, Some(&user), &body(&app)).await;
        assert_error(response, 403, "NODE_NOT_ALLOWED").await;
    }
    let response = app
        .post("/api/node/a%20b/container/docker", Some(&user), &body(&app))
        .await;
    assert_error(response, 400, "INVALID_NODE").await;
    assert_eq!(app.usage(&user).await, 2);
}

#[tokio::test]
async fn all_makes_one_per_node_and_a_label_one_per_labelled_node_for_an_admin() {
    let app = spawn_app().await;
    let node_b = NodeWorker::start(&app, "node-b", "pool=fast").await;
    let node_c = NodeWorker::start(&app, "node-c", "pool=slow").await;
    let admin = app.admin_token().await;
    let image = busybox(&app);
    let own_node = app.settings.node.name.clone();

    let mut named = body(&app);
    named["name"] = json!("fleet");
    let (status, job) = create(&app, &admin, "_all", &named).await;
    assert_eq!(status, 202, "{job}");
    let results = job["results"].as_array().unwrap();
    let hostnames: BTreeSet<&str> = results
        .iter()
        .map(|result| result["hostname"].as_str().unwrap())
        .collect();
    let expected: BTreeSet<&str> = ["node-b", "node-c", own_node.as_str()].into();
    assert_eq!(hostnames, expected, "{job}");
    for result in results {
        let hostname = result["hostname"].as_str().unwrap();
        let id = assert_made(result, hostname, &image);
        let suffix = hostname.replace('.', "-");
        assert_eq!(result["name"], format!("fleet-{suffix}"));
        let running = app.wait_running(&admin, &id, READY_WITHIN).await;
        assert_eq!(running["node"], hostname);
        assert_eq!(node_b.holds(&id), hostname == "node-b");
        assert_eq!(node_c.holds(&id), hostname == "node-c");
    }

    let (status, job) = create(&app, &admin, "pool:slow", &body(&app)).await;
    assert_eq!(status, 202, "{job}");
    assert_eq!(job["results"].as_array().unwrap().len(), 1, "{job}");
    assert_made(&job["results"][0], "node-c", &image);

    let response = app
        .post(
            "/api/node/pool:none/container/docker",
            Some(&admin),
            &body(&app),
        )
        .await;
    assert_error(response, 404, "NODE_NOT_FOUND").await;
    assert_eq!(app.usage(&admin).await, 4);
}

#[tokio::test]
async fn host_volumes_and_host_ports_are_refused_and_nothing_is_made() {
    let app = spawn_app().await;
    let user = app.user_token("osapi-refused").await;
    let admin = app.admin_token().await;
    let refusals = [
        (
            "volumes",
            json!(["/etc:/host-etc"]),
            "HOST_VOLUMES_NOT_ALLOWED",
        ),
        ("ports", json!(["8080:80"]), "HOST_PORTS_NOT_ALLOWED"),
    ];
    for (field, value, code) in refusals {
        // Admins too: the setting that allows them host access is off by default.
        for (token, hostname) in [(&user, "_any"), (&admin, "_all")] {
            let mut refused = body(&app);
            refused[field] = value.clone();
            let path = format!("/api/node/{hostname}/container/docker");
            let response = app.post(&path, Some(token), &refused).await;
            let error = assert_error(response, 400, code).await;
            if field == "ports" {
                assert!(error["error"].as_str().unwrap().contains("previews"));
            }
        }
    }
    assert_eq!(app.usage(&user).await, 0);
    assert_eq!(app.usage(&admin).await, 0);
}

#[tokio::test]
async fn without_auto_start_the_environment_is_made_then_left_stopped() {
    let app = spawn_app().await;
    let user = app.user_token("osapi-unstarted").await;
    let mut unstarted = body(&app);
    unstarted["auto_start"] = json!(false);
    let response = app
        .post("/api/node/_any/container/docker", Some(&user), &unstarted)
        .await;
    assert_eq!(response.status(), 202);
    let job: Value = response.json().await.unwrap();
    let id = job["results"][0]["id"].as_str().unwrap().to_string();
    app.wait_status(&user, &id, "stopped", READY_WITHIN).await;
    let view = app.container(&user, &id).await.1;
    assert_eq!(view["stage"], "ready", "{view}");
    let running = engine::docker(
        &app.settings,
        &["inspect", "-f", "{{.State.Running}}", &format!("sbx-{id}")],
    );
    assert_eq!(String::from_utf8_lossy(&running.stdout).trim(), "false");
    let start = app
        .post(
            &format!("/api/containers/{id}/start"),
            Some(&user),
            &json!({}),
        )
        .await;
    assert!(start.status().is_success(), "{}", start.status());
    app.wait_status(&user, &id, "running", READY_WITHIN).await;
}
