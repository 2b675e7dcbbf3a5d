//! Reconnecting: the same shell with its recent output replayed, or tmux reattached.

use std::time::{Duration, Instant};

use serde_json::json;

use crate::support::app::spawn_app_with;
use crate::support::provisioning::{user_with_environment, READY_WITHIN};
use crate::support::terminal::Terminal;

#[tokio::test]
async fn reconnecting_with_the_session_id_resumes_the_shell_and_replays_its_output() {
    let app = spawn_app_with(|s| s.terminal_grace = Duration::from_secs(30)).await;
    let (token, id) = user_with_environment(&app, "resumer").await;
    let mut first = Terminal::open(&app, &token, &id, "session=tab-1").await;
    assert_eq!(first.hello["data"]["session_id"], "tab-1");
    first
        .type_line("KEPT=value-$((7*6)); echo before-$((1+1))-drop")
        .await;
    first.read_until("before-2-drop").await;
    first.close().await;

    let mut second = Terminal::open(&app, &token, &id, "session=tab-1").await;
    assert_eq!(second.hello["data"]["resumed"], true, "{}", second.hello);
    // The replay comes first and holds what the shell printed before the drop.
    second.read_until("before-2-drop").await;
    second.type_line("echo kept-$KEPT-end").await;
    second.read_until("kept-value-42-end").await;
}

#[tokio::test]
async fn an_unclaimed_session_is_hung_up_after_the_grace_period() {
    let app = spawn_app_with(|s| s.terminal_grace = Duration::from_millis(300)).await;
    let (token, id) = user_with_environment(&app, "wanderer").await;
    let mut first = Terminal::open(&app, &token, &id, "session=gone").await;
    first.type_line("KEPT=1; echo ready-$((1+1))").await;
    first.read_until("ready-2").await;
    first.close().await;
    tokio::time::sleep(Duration::from_secs(4)).await;

    let mut second = Terminal::open(&app, &token, &id, "session=gone").await;
    assert_eq!(second.hello["data"]["resumed"], false, "{}", second.hello);
    second.type_line("echo kept-${KEPT:-no}-end").await;
    second.read_until("kept-no-end").await;
}

#[tokio::test]
async fn with_tmux_a_new_connection_reattaches_the_same_tmux_session() {
    let app = spawn_app_with(|s| s.terminal_grace = Duration::from_millis(200)).await;
    let token = app.user_token("tmuxer").await;
    let (status, created) = app
        .create(
            &token,
            json!({"image": "debian:bookworm", "role": "barebone",
                   "shell": {"use_tmux": true, "enhanced": false}}),
        )
        .await;
    assert_eq!(status, 202, "{created}");
    let id = created["id"].as_str().unwrap();
    app.wait_running(&token, id, READY_WITHIN).await;

    let mut first = Terminal::open(&app, &token, id, "").await;
    first
        .type_line("export MARK=tmux-$((3*3)); echo in-$TMUX_PANE-x")
        .await;
    first.read_until("in-%").await;
    first.close().await;
    // Past the grace period the first tmux client is hung up; the tmux session lives on.
    tokio::time::sleep(Duration::from_secs(3)).await;

    let mut second = Terminal::open(&app, &token, id, "").await;
    assert_eq!(second.hello["data"]["resumed"], false);
    second.type_line("echo mark-$MARK-end").await;
    second.read_until("mark-tmux-9-end").await;
}

#[tokio::test]
async fn a_terminal_on_a_debian_environment_sees_its_size_through_tput() {
    let app = spawn_app_with(|_| {}).await;
    let token = app.user_token("tputter").await;
    let (status, created) = app
        .create(
            &token,
            json!({"image": "debian:bookworm", "role": "barebone"}),
        )
        .await;
    assert_eq!(status, 202, "{created}");
    let id = created["id"].as_str().unwrap();
    app.wait_running(&token, id, READY_WITHIN).await;
    let mut terminal = Terminal::open(&app, &token, id, "cols=90&rows=20").await;
    terminal
        .send_json(json!({"type": "resize", "cols": 123, "rows": 45}))
        .await;
    terminal
        .type_line("echo cols=$(tput cols)=lines=$(tput lines)=")
        .await;
    terminal.read_until("cols=123=lines=45=").await;
}

/// The `terminals` gauge: shells the server holds.
async fn held_shells(app: &crate::support::app::TestApp) -> i64 {
    let metrics = app.get("/metrics", None).await.text().await.unwrap();
    metrics
        .lines()
        .find_map(|line| line.strip_prefix("sandboxd_terminals "))
        .and_then(|value| value.trim().parse::<f64>().ok())
        .expect("a terminals gauge") as i64
}

#[tokio::test]
async fn shells_whose_clients_vanish_together_are_all_hung_up() {
    let app = spawn_app_with(|s| {
        s.terminal_grace = Duration::from_millis(300);
        s.terminals_per_environment = 40;
        s.connections_per_user = 40;
    })
    .await;
    let (token, id) = user_with_environment(&app, "crowd").await;
    let mut terminals = Vec::new();
    for index in 0..40 {
        let mut terminal = Terminal::open(&app, &token, &id, &format!("session=s{index}")).await;
        terminal.type_line("echo up-$((40+2))").await;
        terminal.read_until("up-42").await;
        terminals.push(terminal);
    }
    assert_eq!(held_shells(&app).await, 40);
    // Dropped, not closed: the connections just end, as when a laptop lid shuts.
    drop(terminals);
    let deadline = Instant::now() + Duration::from_secs(30);
    let mut held = held_shells(&app).await;
    while held > 0 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(200)).await;
        held = held_shells(&app).await;
    }
    assert_eq!(held, 0, "shells still held 30 s after their clients left");
    let ps = crate::support::engine::exec(&app.settings, &format!("sbx-{id}"), "ps -o args");
    let processes = String::from_utf8_lossy(&ps.stdout);
    assert!(
        !processes.lines().any(|line| line.ends_with("sh -l")),
        "login shells left running: {processes}"
    );
}
