//! `ssh ENV CMD`: output on the right stream, stdin streamed in, the exit status passed
//! back, the environment reached by its name or its id, and the command ended with its
//! client.

use std::process::Stdio;
use std::time::{Duration, Instant};

use serde_json::json;
use tokio::io::AsyncWriteExt;

use super::{name_of, text, SshUser};
use crate::support::app::spawn_app;
use crate::support::engine;
use crate::support::provisioning::user_with_environment;

#[tokio::test]
async fn a_command_prints_on_stdout_and_stderr_and_its_exit_status_comes_back() {
    let app = spawn_app().await;
    let (token, id) = user_with_environment(&app, "runner").await;
    let user = SshUser::new(&app).await;
    user.register(&app, &token).await;
    let name = name_of(&app, &token, &id).await;

    let ran = user
        .run(&name, "echo to-out; echo to-err >&2; exit 3")
        .await;
    assert_eq!(ran.status.code(), Some(3), "{ran:?}");
    assert_eq!(text(&ran.stdout), "to-out\n");
    assert!(text(&ran.stderr).contains("to-err"), "{ran:?}");

    let by_id = user.run(&id, "hostname; true").await;
    assert_eq!(by_id.status.code(), Some(0), "{by_id:?}");
    assert!(!text(&by_id.stdout).trim().is_empty());
}

#[tokio::test]
async fn stdin_streams_into_the_command_and_its_end_closes_it() {
    let app = spawn_app().await;
    let (token, id) = user_with_environment(&app, "piper").await;
    let user = SshUser::new(&app).await;
    user.register(&app, &token).await;
    let mut child = user
        .ssh(&id, &["wc -c; echo done"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let payload = vec![b'x'; 300_000];
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(&payload).await.unwrap();
    drop(stdin);
    let finished = child.wait_with_output().await.unwrap();
    assert_eq!(finished.status.code(), Some(0), "{finished:?}");
    assert_eq!(
        text(&finished.stdout)
            .split_whitespace()
            .collect::<Vec<_>>(),
        ["300000", "done"]
    );
}

#[tokio::test]
async fn the_owners_variables_reach_the_command() {
    let app = spawn_app().await;
    let token = app.user_token("varied").await;
    let id = app
        .running_busybox(&token, json!({"env": ["GREETING=hello-from-env"]}))
        .await;
    let user = SshUser::new(&app).await;
    user.register(&app, &token).await;
    let ran = user.run(&id, "echo $GREETING").await;
    assert_eq!(text(&ran.stdout).trim(), "hello-from-env", "{ran:?}");
}

#[tokio::test]
async fn a_command_whose_client_goes_away_is_ended_too() {
    let app = spawn_app().await;
    let (token, id) = user_with_environment(&app, "leaver").await;
    let user = SshUser::new(&app).await;
    user.register(&app, &token).await;
    let name = name_of(&app, &token, &id).await;
    let docker_id = app.container(&token, &id).await.1["docker_id"]
        .as_str()
        .unwrap()
        .to_string();
    let running = || {
        let output = engine::exec(
            &app.settings,
            &docker_id,
            "ps -o args | grep -c '^sleep 4321'",
        );
        text(&output.stdout).trim().to_string()
    };
    let mut client = user.ssh(&name, &["sleep 4321"]).spawn().unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    while running() != "1" {
        assert!(Instant::now() < deadline, "the command never started");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    client.kill().await.unwrap();
    let deadline = Instant::now() + Duration::from_secs(15);
    while running() != "0" {
        assert!(Instant::now() < deadline, "the command outlived its client");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}
