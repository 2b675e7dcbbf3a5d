//! `create --wait`, `exec`, `ls`, lifecycle and `rm`, as scripts use them: JSON parsed, exit
//! codes checked, another user's environments out of reach.

use std::time::Instant;

use serde_json::Value;

use super::{assert_refused, describe, stderr, stdout, Client};
use crate::support::app::spawn_app;
use crate::support::provisioning::busybox;

/// A busybox environment made by the CLI, waited for; returns what it printed.
pub async fn created(client: &Client, image: &str, name: &str) -> Value {
    client
        .json(&[
            "create",
            "--image",
            image,
            "--role",
            "barebone",
            "--plain-shell",
            "--name",
            name,
            "--wait",
        ])
        .await
}

#[tokio::test]
async fn create_waits_until_ready_and_exec_streams_output_and_passes_the_exit_code_on() {
    let app = spawn_app().await;
    let token = app.user_token("ada").await;
    let client = Client::with_token(&app, &token);
    let environment = created(&client, &busybox(&app), "dev").await;
    assert_eq!(environment["name"], "dev");
    assert_eq!(environment["status"], "running");
    assert_eq!(environment["stage"], "ready");
    assert_eq!(environment["progress"], 100);

    let output = client
        .run(&[
            "exec",
            "dev",
            "--",
            "sh",
            "-c",
            "echo out; echo err >&2; exit 3",
        ])
        .await;
    assert_eq!(output.status.code(), Some(3), "{}", describe(&output));
    assert_eq!(stdout(&output), "out\n");
    assert_eq!(stderr(&output), "err\n");
    let output = client.run(&["exec", "dev", "--", "true"]).await;
    assert_eq!(output.status.code(), Some(0), "{}", describe(&output));

    // Output arrives as it is printed, not when the command ends.
    let mut child = client
        .command(&[
            "exec",
            "dev",
            "--",
            "sh",
            "-c",
            "echo first; sleep 3; echo second",
        ])
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut reader = tokio::io::BufReader::new(child.stdout.take().unwrap());
    let started = Instant::now();
    let mut line = String::new();
    tokio::io::AsyncBufReadExt::read_line(&mut reader, &mut line)
        .await
        .unwrap();
    assert_eq!(line, "first\n");
    assert!(
        started.elapsed().as_secs_f64() < 2.5,
        "the first line waited for the end"
    );
    assert!(child.wait().await.unwrap().success());

    let listed = client.json(&["ls"]).await;
    assert_eq!(listed["count"], 1);
    assert_eq!(listed["containers"][0]["name"], "dev");
    let output = client.run(&["ls"]).await;
    assert!(stdout(&output).starts_with("NAME"), "{}", describe(&output));
    assert!(stdout(&output).contains("dev"));
}

#[tokio::test]
async fn lifecycle_commands_act_on_each_name_and_fail_if_any_fails() {
    let app = spawn_app().await;
    let token = app.user_token("bob").await;
    let client = Client::with_token(&app, &token);
    created(&client, &busybox(&app), "one").await;

    let stopped = client.json(&["stop", "one"]).await;
    assert_eq!(stopped[0]["ok"], true, "{stopped}");
    let (_, environment) = app.container(&token, "one").await;
    assert_eq!(environment["status"], "stopped");
    let output = client.run(&["exec", "one", "--", "true"]).await;
    assert_refused(&output, "CONTAINER_NOT_RUNNING");

    let output = client.run(&["start", "one", "missing"]).await;
    assert_eq!(output.status.code(), Some(1), "{}", describe(&output));
    assert!(stdout(&output).contains("one"));
    assert!(stderr(&output).contains("missing") && stderr(&output).contains("CONTAINER_NOT_FOUND"));
    app.wait_status(
        &token,
        "one",
        "running",
        crate::support::provisioning::READY_WITHIN,
    )
    .await;

    let output = client.run(&["rm", "one"]).await;
    assert!(output.status.success(), "{}", describe(&output));
    assert_eq!(app.container(&token, "one").await.0, 404);
}

#[tokio::test]
async fn another_users_environment_is_not_found_for_every_command() {
    let app = spawn_app().await;
    let owner = Client::with_token(&app, &app.user_token("owner").await);
    created(&owner, &busybox(&app), "mine").await;
    let stranger = Client::with_token(&app, &app.user_token("stranger").await);
    for args in [
        vec!["inspect", "mine"],
        vec!["exec", "mine", "--", "true"],
        vec!["stop", "mine"],
        vec!["rm", "mine"],
        vec!["cp", "mine:/etc/passwd", "passwd"],
        vec!["preview", "mine", "80"],
        vec!["logs", "mine"],
        vec!["shell", "mine"],
        vec!["port-forward", "mine", "0:80"],
    ] {
        assert_refused(&stranger.run(&args).await, "CONTAINER_NOT_FOUND");
    }
    let (_, environment) = app.container(&app.login_token("owner").await, "mine").await;
    assert_eq!(environment["status"], "running");
}

#[tokio::test]
async fn a_failed_create_prints_the_code_and_leaves_nothing_behind() {
    let app = spawn_app().await;
    let token = app.user_token("cyd").await;
    let client = Client::with_token(&app, &token);
    let output = client
        .run(&["create", "--image", "nosuch:image", "--wait"])
        .await;
    assert_refused(&output, "UNSUPPORTED_IMAGE");
    assert_eq!(client.json(&["ls"]).await["count"], 0);
    let output = client.run(&["exec", "x"]).await;
    assert_eq!(
        output.status.code(),
        Some(2),
        "clap's usage error: {}",
        describe(&output)
    );
}

#[tokio::test]
async fn inspect_stats_pause_resume_and_logs_read_what_the_api_says() {
    let app = spawn_app().await;
    let token = app.user_token("dee").await;
    let client = Client::with_token(&app, &token);
    created(&client, &busybox(&app), "box").await;

    let inspected = client.json(&["inspect", "box"]).await;
    assert_eq!(inspected["name"], "box");
    let output = client.run(&["inspect", "box"]).await;
    assert!(
        stdout(&output).contains("status      running"),
        "{}",
        describe(&output)
    );
    let stats = client.json(&["stats", "box"]).await;
    assert_eq!(stats["containerId"], inspected["id"]);
    let output = client.run(&["stats"]).await;
    assert!(
        stdout(&output)
            .lines()
            .nth(1)
            .unwrap_or_default()
            .starts_with("box "),
        "{}",
        describe(&output)
    );

    let paused = client.json(&["pause", "box"]).await;
    assert_eq!(paused[0]["result"]["status"], "paused", "{paused}");
    let resumed = client.json(&["resume", "box"]).await;
    assert_eq!(resumed[0]["result"]["status"], "running", "{resumed}");

    let output = client.run(&["logs", "box", "--tail", "5"]).await;
    assert!(output.status.success(), "{}", describe(&output));
    assert!(
        stdout(&output).contains("sandboxd-configured 0"),
        "{}",
        describe(&output)
    );
    // Following ends when the environment stops.
    let follow = client
        .command(&["logs", "box", "-f"])
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    client.json(&["stop", "box"]).await;
    let followed = tokio::time::timeout(
        std::time::Duration::from_secs(30),
        follow.wait_with_output(),
    )
    .await
    .expect("logs -f ends when the environment stops")
    .unwrap();
    assert!(followed.status.success());
}

#[tokio::test]
async fn a_snapshot_starts_a_new_environment_and_a_fork_copies_a_running_one() {
    let app = spawn_app().await;
    let token = app.user_token("eve").await;
    let client = Client::with_token(&app, &token);
    created(&client, &busybox(&app), "origin").await;
    let output = client
        .run(&["exec", "origin", "--", "sh", "-c", "echo kept > /root/mark"])
        .await;
    assert!(output.status.success(), "{}", describe(&output));

    let saved = client.json(&["snapshot", "origin", "--as", "saved"]).await;
    assert_eq!(saved["name"], "saved");
    let listed = client.json(&["snapshot", "--list"]).await;
    assert_eq!(listed["total"], 1);
    client
        .json(&[
            "create",
            "--from-snapshot",
            "saved",
            "--role",
            "barebone",
            "--plain-shell",
            "--name",
            "restored",
            "--wait",
        ])
        .await;
    let forked = client.json(&["fork", "origin", "--as", "copy"]).await;
    assert_eq!(forked["name"], "copy");
    app.wait_status(
        &token,
        "copy",
        "running",
        crate::support::provisioning::READY_WITHIN,
    )
    .await;
    for name in ["restored", "copy"] {
        let output = client.run(&["exec", name, "--", "cat", "/root/mark"]).await;
        assert_eq!(stdout(&output), "kept\n", "{name}: {}", describe(&output));
    }
    client.json(&["snapshot", "--delete", "saved"]).await;
    assert_eq!(client.json(&["snapshot", "--list"]).await["total"], 0);
}
