//! Exec and jobs (OSAPI): results, limits, timeouts, and who may read what.

use std::time::{Duration, Instant};

use serde_json::{json, Value};

use crate::support::app::{assert_error, spawn_app};
use crate::support::engine;
use crate::support::provisioning::user_with_environment;

#[tokio::test]
async fn a_command_runs_with_its_env_and_directory_and_its_job_can_be_read_back_by_its_owner_only()
{
    let app = spawn_app().await;
    let (token, id) = user_with_environment(&app, "runner").await;
    let stranger = app.user_token("stranger").await;
    let response = app
        .post(
            &format!("/api/containers/{id}/exec"),
            Some(&token),
            &json!({"command": ["sh", "-c", "echo $GREETING; pwd; echo oops >&2; exit 3"],
                    "env": ["GREETING=hello"], "working_dir": "/tmp"}),
        )
        .await;
    assert_eq!(response.status(), 202);
    let job: Value = response.json().await.unwrap();
    let result = &job["results"][0];
    assert_eq!(result["stdout"], "hello\n/tmp\n", "{job}");
    assert_eq!(result["stderr"], "oops\n");
    assert_eq!(result["exit_code"], 3);
    assert_eq!(result["error"], Value::Null);
    assert_eq!(result["changed"], true);
    let (_, environment) = app.container(&token, &id).await;
    assert_eq!(result["hostname"], environment["name"]);

    let job_id = job["job_id"].as_str().unwrap();
    let recorded: Value = app
        .get(&format!("/api/jobs/{job_id}"), Some(&token))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(recorded["status"], "completed");
    assert_eq!(recorded["results"][0]["exit_code"], 3);
    assert_eq!(recorded["request"]["command"][0], "sh");
    let theirs = app
        .get(&format!("/api/jobs/{job_id}"), Some(&stranger))
        .await;
    assert_error(theirs, 404, "JOB_NOT_FOUND").await;
    let response = app
        .post(
            &format!("/api/containers/{id}/exec"),
            Some(&stranger),
            &json!({"command": ["true"]}),
        )
        .await;
    assert_error(response, 404, "CONTAINER_NOT_FOUND").await;
}

#[tokio::test]
async fn a_command_past_its_timeout_is_killed_and_reported() {
    let app = spawn_app().await;
    let (token, id) = user_with_environment(&app, "sleeper").await;
    let started = Instant::now();
    let job: Value = app
        .post(
            &format!("/api/containers/{id}/exec"),
            Some(&token),
            &json!({"command": ["sh", "-c", "echo started; sleep 300; echo never"], "timeout": 1}),
        )
        .await
        .json()
        .await
        .unwrap();
    // Far below the command's own 300 s, with room for a slow engine's exec calls.
    assert!(
        started.elapsed() < Duration::from_secs(60),
        "{:?}",
        started.elapsed()
    );
    let result = &job["results"][0];
    assert!(
        result["error"].as_str().unwrap().contains("timed out"),
        "{job}"
    );
    assert_eq!(result["stdout"], "started\n");
    let recorded: Value = app
        .get(
            &format!("/api/jobs/{}", job["job_id"].as_str().unwrap()),
            Some(&token),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(recorded["status"], "failed");
    let ps = engine::exec(&app.settings, &format!("sbx-{id}"), "ps");
    let processes = String::from_utf8_lossy(&ps.stdout);
    assert!(
        !processes.contains("sleep 300"),
        "the command survived: {processes}"
    );
}

#[tokio::test]
async fn output_beyond_the_cap_is_dropped_and_flagged() {
    let app = spawn_app().await;
    let (token, id) = user_with_environment(&app, "chatty").await;
    let job: Value = app
        .post(
            &format!("/api/containers/{id}/exec"),
            Some(&token),
            &json!({"command": ["sh", "-c", "yes | head -c 3000000; echo small >&2"]}),
        )
        .await
        .json()
        .await
        .unwrap();
    let result = &job["results"][0];
    assert_eq!(result["stdout"].as_str().unwrap().len(), 1024 * 1024);
    assert_eq!(result["stdout_truncated"], true);
    assert_eq!(result["stderr"], "small\n");
    assert_eq!(result["stderr_truncated"], false);
}

#[tokio::test]
async fn bad_exec_requests_are_refused_with_their_codes() {
    let app = spawn_app().await;
    let (token, id) = user_with_environment(&app, "careless").await;
    let path = format!("/api/containers/{id}/exec");
    let cases = [
        (json!({"command": []}), "INVALID_COMMAND"),
        (json!({"command": ["true"], "env": ["1A=x"]}), "INVALID_ENV"),
        (
            json!({"command": ["true"], "working_dir": "relative"}),
            "INVALID_WORKING_DIR",
        ),
        (
            json!({"command": ["true"], "timeout": 0}),
            "INVALID_TIMEOUT",
        ),
    ];
    for (body, code) in cases {
        assert_error(app.post(&path, Some(&token), &body).await, 400, code).await;
    }
    let reader = app.api_token(&token, &["read", "write"]).await;
    let response = app
        .post(
            &path,
            reader["token"].as_str(),
            &json!({"command": ["true"]}),
        )
        .await;
    assert_error(response, 403, "INSUFFICIENT_SCOPE").await;

    let stop = app
        .post(
            &format!("/api/containers/{id}/stop?timeout=1"),
            Some(&token),
            &Value::Null,
        )
        .await;
    assert_eq!(stop.status(), 202);
    let deadline = Instant::now() + Duration::from_secs(30);
    while app.container(&token, &id).await.1["status"] != "stopped" {
        assert!(Instant::now() < deadline);
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let response = app
        .post(&path, Some(&token), &json!({"command": ["true"]}))
        .await;
    assert_error(response, 409, "CONTAINER_NOT_RUNNING").await;
}

#[tokio::test]
async fn variables_given_at_create_are_set_in_the_environment_and_checked_first() {
    let app = spawn_app().await;
    let token = app.user_token("configured").await;
    let created = app
        .create_busybox(&token, json!({"env": ["PROJECT=sandboxd", "EMPTY="]}))
        .await;
    let id = created["id"].as_str().unwrap();
    let environment = app
        .wait_running(&token, id, crate::support::provisioning::READY_WITHIN)
        .await;
    assert_eq!(environment["env"], json!(["PROJECT=sandboxd", "EMPTY="]));
    let job: Value = app
        .post(
            &format!("/api/containers/{id}/exec"),
            Some(&token),
            &json!({"command": ["sh", "-c", "echo project=$PROJECT"]}),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(job["results"][0]["stdout"], "project=sandboxd\n");

    let (status, body) = app
        .create(
            &token,
            json!({"image": "debian:bookworm", "env": ["NOT VALID=1"]}),
        )
        .await;
    assert_eq!(status, 400);
    assert_eq!(body["code"], "INVALID_ENV");
    assert_eq!(app.usage(&token).await, 1, "a refused create takes no slot");
}
