//! Per-user caps on what is cheap to ask and costly to serve.

use std::time::Duration;

use serde_json::json;

use crate::support::app::{assert_error, spawn_app_with};
use crate::support::provisioning::user_with_environment;
use crate::support::terminal::Terminal;
use crate::support::ws;

#[tokio::test]
async fn terminals_opened_at_once_cannot_pass_the_cap_per_environment() {
    let app = spawn_app_with(|settings| settings.terminals_per_environment = 2).await;
    let (token, id) = user_with_environment(&app, "many-tabs").await;
    let attempts = (0..8).map(|tab| {
        let path = format!("/ws/terminal/{id}?token={token}&session=tab-{tab}");
        let app = &app;
        async move { ws::connect(app, &path).await }
    });
    let sockets = futures_util::future::join_all(attempts).await;
    let opened = sockets.iter().filter(|socket| socket.is_ok()).count();
    assert_eq!(opened, 2, "terminals opened together past a cap of 2");
}

#[tokio::test]
async fn a_user_holds_at_most_so_many_connections_and_others_are_not_affected() {
    let app = spawn_app_with(|settings| settings.connections_per_user = 3).await;
    let token = app.user_token("hoarder").await;
    let mut held = Vec::new();
    for _ in 0..3 {
        held.push(ws::events(&app, &token).await);
    }
    let refused = app.get(&format!("/ws/events?token={token}"), None).await;
    assert_error(refused, 429, "TOO_MANY_CONNECTIONS").await;
    let other = app.user_token("bystander").await;
    let _theirs = ws::events(&app, &other).await;

    // Closing one frees its place.
    let mut first = held.remove(0);
    let _ = first.close(None).await;
    drop(first);
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    loop {
        if ws::connect(&app, &format!("/ws/events?token={token}"))
            .await
            .is_ok()
        {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "the place was not freed"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test]
async fn a_batch_names_at_most_a_hundred_containers_and_each_once() {
    let app = spawn_app_with(|_| {}).await;
    let (token, id) = user_with_environment(&app, "batcher").await;
    let many: Vec<String> = (0..101).map(|n| format!("missing-{n}")).collect();
    let body = json!({"action": "stop", "containerIds": many});
    let response = app.post("/api/containers/batch", Some(&token), &body).await;
    assert_error(response, 400, "TOO_MANY_CONTAINERS").await;

    let (_, environment) = app.container(&token, &id).await;
    let name = environment["name"].as_str().unwrap();
    let body = json!({"action": "stop", "containerIds": [id, id, name]});
    let response = app.post("/api/containers/batch", Some(&token), &body).await;
    assert_eq!(response.status(), 200);
    let outcome: serde_json::Value = response.json().await.unwrap();
    let results = outcome["results"].as_array().unwrap();
    assert_eq!(results.len(), 1, "{outcome}");
}

#[tokio::test]
async fn a_flood_of_resizes_leaves_the_last_size_and_a_responsive_terminal() {
    let app = spawn_app_with(|_| {}).await;
    let (token, id) = user_with_environment(&app, "resizer").await;
    let mut terminal = Terminal::open(&app, &token, &id, "").await;
    for cols in 0..500u16 {
        terminal
            .send_json(json!({"type": "resize", "cols": 20 + cols % 200, "rows": 30}))
            .await;
    }
    terminal
        .send_json(json!({"type": "resize", "cols": 123, "rows": 45}))
        .await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    terminal.type_line("stty size; echo size-$((40+2))").await;
    let screen = terminal.read_until("size-42").await.to_string();
    assert!(screen.contains("45 123"), "{screen}");
}
