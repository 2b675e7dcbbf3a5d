//! A command's timeout holds whether or not its caller waits for it.

use std::time::Duration;

use serde_json::json;

use crate::support::app::spawn_app_with;
use crate::support::engine;
use crate::support::provisioning::user_with_environment;

#[tokio::test]
async fn an_exec_whose_caller_hangs_up_is_still_killed_at_its_timeout() {
    let app = spawn_app_with(|_| {}).await;
    let (token, id) = user_with_environment(&app, "impatient").await;
    let body = json!({
        "command": ["sh", "-c", "sleep 4; echo late > /tmp/outlived-its-timeout"],
        "timeout": 2,
    });
    let hung_up = app
        .request(
            reqwest::Method::POST,
            &format!("/api/containers/{id}/exec"),
            Some(&token),
        )
        .json(&body)
        .timeout(Duration::from_millis(500))
        .send()
        .await;
    assert!(hung_up.is_err(), "the caller was meant to give up first");

    tokio::time::sleep(Duration::from_secs(6)).await;
    let (_, environment) = app.container(&token, &id).await;
    let container = environment["docker_id"].as_str().unwrap();
    let check = engine::exec(
        &app.settings,
        container,
        "test -e /tmp/outlived-its-timeout && echo outlived || echo killed",
    );
    assert_eq!(String::from_utf8_lossy(&check.stdout).trim(), "killed");
}
