//! Logout, token revocation and disabling a user close that principal's open event streams
//! and terminals within a second, on every API process (two here, sharing Postgres and Redis).

use std::time::Duration;

use futures_util::StreamExt;
use serde_json::json;
use tokio_tungstenite::tungstenite::Message;

use crate::support::app::{spawn_app, spawn_app_beside, TestApp};
use crate::support::provisioning::{silent, READY_WITHIN};
use crate::support::terminal::Terminal;
use crate::support::ws::{self, Socket};

const WITHIN: Duration = Duration::from_secs(1);

/// Whether the server closes `socket` within `within` (frames before the close are skipped).
async fn closed_within(socket: &mut Socket, within: Duration) -> bool {
    let deadline = tokio::time::Instant::now() + within;
    loop {
        match tokio::time::timeout_at(deadline, socket.next()).await {
            Err(_) => return false,
            Ok(Some(Ok(Message::Close(_)))) | Ok(None) | Ok(Some(Err(_))) => return true,
            Ok(Some(Ok(_))) => continue,
        }
    }
}

async fn two_processes() -> (TestApp, TestApp) {
    let first = spawn_app().await;
    let second = spawn_app_beside(&first, |settings| settings.workers = 0).await;
    (first, second)
}

#[tokio::test]
async fn logging_out_closes_that_sessions_streams_and_terminals_on_the_other_process() {
    let (first, second) = two_processes().await;
    let token = first.user_token("leaver").await;
    let other_session = first.login_token("leaver").await;
    let id = first.running_busybox(&token, json!({})).await;

    let mut events = ws::events(&second, &token).await;
    let mut kept = ws::events(&second, &other_session).await;
    let mut terminal = Terminal::open(&second, &token, &id, "").await;

    let response = first
        .post("/api/auth/logout", Some(&token), &json!({}))
        .await;
    assert_eq!(response.status(), 204);
    assert!(
        closed_within(&mut events, WITHIN).await,
        "event stream still open"
    );
    assert!(
        closed_within(&mut terminal.socket, WITHIN).await,
        "terminal still open"
    );
    // The same user's other session is not what was logged out.
    assert!(!closed_within(&mut kept, Duration::from_millis(500)).await);
}

#[tokio::test]
async fn a_revoked_api_token_closes_what_it_opened_on_the_other_process() {
    let (first, second) = two_processes().await;
    let session = first.user_token("scripter").await;
    let created = first.api_token(&session, &["read", "write", "exec"]).await;
    let (token, token_id) = (
        created["token"].as_str().unwrap().to_string(),
        created["id"].as_str().unwrap().to_string(),
    );
    let mut events = ws::events(&second, &token).await;
    let mut owner = ws::events(&second, &session).await;

    let response = first
        .delete(&format!("/api/tokens/{token_id}"), Some(&session))
        .await;
    assert!(response.status().is_success(), "{}", response.status());
    assert!(
        closed_within(&mut events, WITHIN).await,
        "token's stream still open"
    );
    assert!(!closed_within(&mut owner, Duration::from_millis(500)).await);
}

#[tokio::test]
async fn disabling_a_user_closes_everything_of_theirs_and_halts_what_is_being_created() {
    let (first, second) = two_processes().await;
    let token = first.user_token("banned").await;
    let running = first.running_busybox(&token, json!({})).await;
    // An image whose first process never reports: it stays in provisioning.
    let (status, created) = first
        .create(
            &token,
            json!({"image": "custom", "custom_image": silent(&first), "role": "barebone"}),
        )
        .await;
    assert_eq!(status, 202, "{created}");
    let creating = created["id"].as_str().unwrap().to_string();
    let deadline = tokio::time::Instant::now() + READY_WITHIN;
    loop {
        let (_, env) = first.container(&token, &creating).await;
        if env["stage"] == "configuring" {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "never configuring: {env}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let mut events = ws::events(&second, &token).await;
    let mut terminal = Terminal::open(&second, &token, &running, "").await;

    let admin = first.admin_token().await;
    let user_id = first.user_id(&token).await;
    let response = first.disable_user(&admin, &user_id).await;
    assert_eq!(response.status(), 200);
    assert!(
        closed_within(&mut events, WITHIN).await,
        "event stream still open"
    );
    assert!(
        closed_within(&mut terminal.socket, WITHIN).await,
        "terminal still open"
    );

    let page: serde_json::Value = first
        .get(
            &format!("/api/admin/containers?user_id={user_id}"),
            Some(&admin),
        )
        .await
        .json()
        .await
        .unwrap();
    let halted = page["containers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|environment| environment["id"] == creating.as_str())
        .cloned()
        .unwrap();
    assert_eq!(halted["status"], "stopped", "{halted}");
    // Whatever provisioning had started is stopped too, within its next step.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    loop {
        let state = crate::support::engine::docker_text(
            &first.settings,
            &[
                "ps",
                "-q",
                "--filter",
                &format!("label=sandboxd.environment={creating}"),
            ],
        );
        if state.trim().is_empty() {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "the halted environment's container still runs"
        );
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
}
