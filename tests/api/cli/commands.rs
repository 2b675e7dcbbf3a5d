//! `create --wait`, `exec`, `ls`, lifecycle and `rm`, as scripts use them: JSON parsed, exit
//! codes checked, another user's environments out of reach.

use std::time::Instant;

use serde_json::Value;

use super::{describe, stderr, stdout, Client};
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
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("CONTAINER_NOT_RUNNING"),
        "{}",
        describe(&output)
    );

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
        let output = stranger.run(&args).await;
        assert_eq!(
            output.status.code(),
            Some(1),
            "{args:?}: {}",
            describe(&output)
        );
        assert!(
            stderr(&output).contains("CONTAINER_NOT_FOUND"),
            "{args:?}: {}",
            describe(&output)
        );
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
    assert_eq!(output.status.code(), Some(1), "{}", describe(&output));
    assert!(
        stderr(&output).contains("UNSUPPORTED_IMAGE"),
        "{}",
        describe(&output)
    );
    assert_eq!(client.json(&["ls"]).await["count"], 0);
    let output = client.run(&["exec", "x"]).await;
    assert_eq!(
        output.status.code(),
        Some(2),
        "clap's usage error: {}",
        describe(&output)
    );
}
