//! `ssh ENV CMD`: output on the right stream, stdin streamed in, the exit status passed
//! back, and the environment reached by its name or its id.

use std::process::Stdio;

use serde_json::json;
use tokio::io::AsyncWriteExt;

use super::{name_of, text, SshUser};
use crate::support::app::spawn_app;
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
