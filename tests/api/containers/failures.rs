//! Failures lose nothing: errors are readable, nothing is left running, quotas are freed,
//! and workers dying or Redis forgetting does not lose or duplicate work.

use std::time::Duration;

use serde_json::json;

use crate::support::app::{spawn_app, spawn_app_with, TestApp};
use crate::support::engine::{self, containers_with, WorkerProcess};

const SETTLE_WITHIN: Duration = Duration::from_secs(120);

fn environment_containers(app: &TestApp, id: &str) -> Vec<String> {
    containers_with(&app.settings, &format!("sandboxd.environment={id}"))
}

#[tokio::test]
async fn an_image_the_registry_lacks_ends_in_error_and_frees_the_slot() {
    let app = spawn_app().await;
    let token = app.user_token("unlucky").await;
    let missing = format!("{}/sandboxd/does-not-exist:latest", app.settings.registry);
    let (status, created) = app
        .create(&token, json!({"image": "custom", "custom_image": missing}))
        .await;
    assert_eq!(status, 202);
    let id = created["id"].as_str().unwrap();
    let env = app.wait_settled(&token, id, SETTLE_WITHIN).await;
    assert_eq!(env["status"], "error");
    assert!(
        env["message"]
            .as_str()
            .unwrap()
            .contains("could not be pulled"),
        "{env}"
    );
    assert!(environment_containers(&app, id).is_empty());
    assert_eq!(app.usage(&token).await, 0);
}

#[tokio::test]
async fn a_role_that_cannot_be_installed_ends_in_error_with_nothing_left() {
    let app = spawn_app().await;
    let token = app.user_token("no-pm").await;
    let created = app.create_busybox(&token, json!({"role": "python"})).await;
    let id = created["id"].as_str().unwrap();
    let env = app.wait_settled(&token, id, SETTLE_WITHIN).await;
    assert_eq!(env["status"], "error");
    assert!(
        env["message"].as_str().unwrap().contains("package manager"),
        "{env}"
    );
    assert!(environment_containers(&app, id).is_empty());
    assert_eq!(app.usage(&token).await, 0);
}

#[tokio::test]
async fn an_image_that_cannot_start_ends_in_error() {
    let app = spawn_app().await;
    let token = app.user_token("no-shell").await;
    // An image with nothing in it: the container is created but has no shell to start.
    let image = format!("sandboxd-test/empty:{}", uuid::Uuid::new_v4().simple());
    let import = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!(
            "tar -cf - -T /dev/null | docker -H {} import - {image}",
            app.settings.docker_host
        ))
        .output()
        .unwrap();
    assert!(import.status.success(), "{import:?}");
    let (status, created) = app
        .create(&token, json!({"image": "custom", "custom_image": image}))
        .await;
    assert_eq!(status, 202, "{created}");
    let id = created["id"].as_str().unwrap();
    let env = app.wait_settled(&token, id, SETTLE_WITHIN).await;
    engine::docker(&app.settings, &["rmi", "-f", &image]);
    assert_eq!(env["status"], "error", "{env}");
    assert!(environment_containers(&app, id).is_empty());
    assert_eq!(app.usage(&token).await, 0);
}

#[tokio::test]
async fn delete_in_the_middle_of_provisioning_leaves_nothing_behind() {
    let app = spawn_app().await;
    let token = app.user_token("impatient").await;
    for delay_ms in [0, 150, 400, 900, 1500] {
        let (status, created) = app
            .create(
                &token,
                json!({"image": "debian:bookworm", "role": "barebone"}),
            )
            .await;
        assert_eq!(status, 202);
        let id = created["id"].as_str().unwrap().to_string();
        tokio::time::sleep(Duration::from_millis(delay_ms)).await;
        let response = app
            .delete(&format!("/api/containers/{id}"), Some(&token))
            .await;
        assert_eq!(response.status(), 200, "delete after {delay_ms} ms");
        // A worker caught inside the engine's create call makes the container after the
        // delete and removes it once the call returns, which on a loaded engine takes
        // seconds: nothing may be left once none has been seen for two seconds running.
        let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
        let mut empty_since = None;
        while tokio::time::Instant::now() < deadline {
            if environment_containers(&app, &id).is_empty() {
                let since = *empty_since.get_or_insert_with(tokio::time::Instant::now);
                if since.elapsed() >= Duration::from_secs(2) {
                    break;
                }
            } else {
                empty_since = None;
            }
            tokio::time::sleep(Duration::from_millis(250)).await;
        }
        assert!(
            environment_containers(&app, &id).is_empty(),
            "after {delay_ms} ms"
        );
        assert_eq!(app.container(&token, &id).await.0, 404);
        assert_eq!(app.usage(&token).await, 0);
    }
}

#[tokio::test]
async fn a_worker_killed_mid_stage_is_replaced_and_makes_exactly_one_container() {
    let app = spawn_app_with(|s| {
        s.workers = 0;
        s.job_lease = Duration::from_secs(3);
    })
    .await;
    let token = app.user_token("survivor").await;
    let first = WorkerProcess::start(&app.settings);
    let (status, created) = app
        .create(
            &token,
            json!({"image": "debian:bookworm", "role": "python"}),
        )
        .await;
    assert_eq!(status, 202);
    let id = created["id"].as_str().unwrap();
    // Kill the worker as soon as the container exists or is being made.
    let deadline = tokio::time::Instant::now() + SETTLE_WITHIN;
    loop {
        let (_, env) = app.container(&token, id).await;
        if ["creating", "starting", "configuring"].contains(&env["stage"].as_str().unwrap()) {
            break;
        }
        assert!(
            env["status"] == "creating" && tokio::time::Instant::now() < deadline,
            "{env}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    first.kill();
    let stage_at_kill = app.container(&token, id).await.1["stage"].clone();
    let _second = WorkerProcess::start(&app.settings);
    let env = app.wait_settled(&token, id, SETTLE_WITHIN).await;
    assert_eq!(
        env["status"], "running",
        "resumed from {stage_at_kill}: {env}"
    );
    assert_eq!(
        environment_containers(&app, id).len(),
        1,
        "exactly one container"
    );
}

#[tokio::test]
async fn a_job_lost_with_a_flushed_redis_is_found_again_in_postgres() {
    // A database of its own, so flushing it touches no other test.
    let app = spawn_app_with(|s| {
        s.workers = 0;
        s.redis_url = s
            .redis_url
            .rsplit_once('/')
            .map(|(server, _)| format!("{server}/7"))
            .unwrap();
    })
    .await;
    let token = app.user_token("forgotten").await;
    let created = app.create_busybox(&token, json!({})).await;
    let client = redis::Client::open(app.settings.redis_url.as_str()).unwrap();
    let mut connection = client.get_multiplexed_async_connection().await.unwrap();
    let _: () = redis::cmd("FLUSHDB")
        .query_async(&mut connection)
        .await
        .unwrap();
    let _worker = WorkerProcess::start(&app.settings);
    let env = app
        .wait_settled(&token, created["id"].as_str().unwrap(), SETTLE_WITHIN)
        .await;
    assert_eq!(env["status"], "running", "{env}");
}
