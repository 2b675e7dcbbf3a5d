//! A connection to a stopped environment starts it, and to a paused one resumes it, saying
//! so on stderr before the command runs.

use std::time::Duration;

use serde_json::json;

use super::{text, SshUser};
use crate::support::app::spawn_app;
use crate::support::provisioning::user_with_environment;

#[tokio::test]
async fn a_stopped_environment_starts_on_connection_with_progress_on_stderr() {
    let app = spawn_app().await;
    let (token, id) = user_with_environment(&app, "sleeper").await;
    let user = SshUser::new(&app).await;
    user.register(&app, &token).await;
    let stop = app
        .post(
            &format!("/api/containers/{id}/stop?timeout=1"),
            Some(&token),
            &json!(null),
        )
        .await;
    assert_eq!(stop.status(), 202);
    app.wait_status(&token, &id, "stopped", Duration::from_secs(60))
        .await;

    let ran = user.run(&id, "echo awake").await;
    assert_eq!(ran.status.code(), Some(0), "{ran:?}");
    assert_eq!(text(&ran.stdout), "awake\n");
    let told = text(&ran.stderr);
    assert!(told.contains("sandboxd: starting"), "{told}");
    assert!(told.contains("started"), "{told}");
    let (_, environment) = app.container(&token, &id).await;
    assert_eq!(environment["status"], "running");
}

#[tokio::test]
async fn a_paused_environment_resumes_on_connection() {
    let app = spawn_app().await;
    let (token, id) = user_with_environment(&app, "dozer").await;
    let user = SshUser::new(&app).await;
    user.register(&app, &token).await;
    app.pause(&token, &id).await;

    let ran = user.run(&id, "echo thawed").await;
    assert_eq!(ran.status.code(), Some(0), "{ran:?}");
    assert_eq!(text(&ran.stdout), "thawed\n");
    assert!(text(&ran.stderr).contains("sandboxd: resuming"), "{ran:?}");
}
