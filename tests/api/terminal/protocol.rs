//! The terminal WebSocket against a real container: typing, output, resize, binary frames,
//! several terminals, exit and refusals.

use serde_json::json;
use tokio_tungstenite::tungstenite::Error as WsError;

use crate::support::app::spawn_app;
use crate::support::provisioning::user_with_environment;
use crate::support::terminal::Terminal;
use crate::support::ws;

#[tokio::test]
async fn typed_input_runs_in_the_environment_and_its_output_comes_back() {
    let app = spawn_app().await;
    let (token, id) = user_with_environment(&app, "typist").await;
    let mut terminal = Terminal::open(&app, &token, &id, "").await;
    assert_eq!(terminal.hello["data"]["resumed"], false);
    assert_eq!(terminal.hello["data"]["container_id"], id.as_str());
    // The shell computes the answer, so the echo of what was typed cannot match it.
    terminal.type_line("echo round-$((20+22))-trip").await;
    terminal.read_until("round-42-trip").await;
}

#[tokio::test]
async fn binary_mode_carries_raw_bytes_both_ways() {
    let app = spawn_app().await;
    let (token, id) = user_with_environment(&app, "binary").await;
    let mut terminal = Terminal::open(&app, &token, &id, "mode=binary").await;
    use futures_util::SinkExt;
    terminal
        .socket
        .send(tokio_tungstenite::tungstenite::Message::binary(
            b"printf 'b%sn\\n' $((6*7))\n".to_vec(),
        ))
        .await
        .unwrap();
    terminal.read_until("b42n").await;
}

#[tokio::test]
async fn a_resize_reaches_the_tty() {
    let app = spawn_app().await;
    let (token, id) = user_with_environment(&app, "resizer").await;
    let mut terminal = Terminal::open(&app, &token, &id, "cols=100&rows=30").await;
    terminal.type_line("echo size=$(stty size)=").await;
    terminal.read_until("size=30 100=").await;
    terminal
        .send_json(json!({"type": "resize", "cols": 132, "rows": 50}))
        .await;
    terminal.type_line("echo size=$(stty size)=").await;
    terminal.read_until("size=50 132=").await;
}

#[tokio::test]
async fn two_terminals_on_one_environment_are_separate_shells() {
    let app = spawn_app().await;
    let (token, id) = user_with_environment(&app, "twins").await;
    let mut first = Terminal::open(&app, &token, &id, "").await;
    let mut second = Terminal::open(&app, &token, &id, "").await;
    assert_ne!(
        first.hello["data"]["session_id"],
        second.hello["data"]["session_id"]
    );
    first.type_line("WHO=first; echo pid-$$-end").await;
    second.type_line("echo who-${WHO:-nobody}-$((1+1))").await;
    second.read_until("who-nobody-2").await;
    first.type_line("echo who-$WHO-$((1+1))").await;
    first.read_until("who-first-2").await;
}

#[tokio::test]
async fn when_the_shell_exits_the_client_gets_its_code_and_a_clean_close() {
    let app = spawn_app().await;
    let (token, id) = user_with_environment(&app, "leaver").await;
    let mut terminal = Terminal::open(&app, &token, &id, "").await;
    terminal.type_line("exit 3").await;
    let code = terminal.read_until_closed().await;
    assert_eq!(code, Some(1000));
    let exit = terminal.exit.expect("an exit frame");
    assert_eq!(exit["code"], 3, "{exit}");
}

#[tokio::test]
async fn a_bad_frame_gets_an_error_frame_and_the_terminal_stays_usable() {
    let app = spawn_app().await;
    let (token, id) = user_with_environment(&app, "clumsy").await;
    let mut terminal = Terminal::open(&app, &token, &id, "").await;
    terminal.send_json(json!({"type": "launch-missiles"})).await;
    // The prompt's output frames may come first.
    let error = loop {
        let frame = ws::next_json(&mut terminal.socket, std::time::Duration::from_secs(5))
            .await
            .expect("an error frame");
        if frame["type"] != "output" {
            break frame;
        }
    };
    assert_eq!(error["type"], "error", "{error}");
    assert_eq!(error["code"], "INVALID_FRAME");
    terminal.type_line("echo still-$((2+2))").await;
    terminal.read_until("still-4").await;
}

#[tokio::test]
async fn an_oversized_frame_closes_the_connection_with_message_too_big() {
    let app = spawn_app().await;
    let (token, id) = user_with_environment(&app, "paster").await;
    let mut terminal = Terminal::open(&app, &token, &id, "").await;
    let huge = "x".repeat(200 * 1024);
    terminal
        .send_json(json!({"type": "input", "data": huge}))
        .await;
    assert_eq!(terminal.read_until_closed().await, Some(1009));
}

#[tokio::test]
async fn no_token_another_users_environment_and_a_read_only_token_are_refused_before_upgrading() {
    let app = spawn_app().await;
    let (owner, id) = user_with_environment(&app, "owner").await;
    let stranger = app.user_token("stranger").await;
    let read_only = app.api_token(&owner, &["read"]).await;
    let read_only = read_only["token"].as_str().unwrap();

    let status = |result: Result<ws::Socket, WsError>| match result {
        Err(WsError::Http(response)) => response.status().as_u16(),
        other => panic!(
            "expected a refused handshake, got {:?}",
            other.map(|_| "a socket")
        ),
    };
    let path = format!("/ws/terminal/{id}");
    assert_eq!(status(ws::connect(&app, &path).await), 401);
    let as_stranger = format!("{path}?token={stranger}");
    assert_eq!(status(ws::connect(&app, &as_stranger).await), 404);
    let as_reader = format!("{path}?token={read_only}");
    assert_eq!(status(ws::connect(&app, &as_reader).await), 403);
    let bad_size = format!("{path}?token={owner}&cols=0");
    assert_eq!(status(ws::connect(&app, &bad_size).await), 400);
}

#[tokio::test]
async fn a_client_that_stops_reading_stalls_the_shell_instead_of_filling_the_server() {
    let app = spawn_app().await;
    let (token, id) = user_with_environment(&app, "slowpoke").await;
    let mut terminal = Terminal::open(&app, &token, &id, "mode=binary").await;
    // 64 MB of output: far more than every buffer on the way holds.
    terminal
        .type_line(
            "yes 0123456789abcdef0123456789abcdef | head -c 64000000 >&1; echo DONE-$((1+1))",
        )
        .await;
    tokio::time::sleep(std::time::Duration::from_secs(3)).await;
    let ps = crate::support::engine::exec(&app.settings, &format!("sbx-{id}"), "ps");
    let processes = String::from_utf8_lossy(&ps.stdout);
    assert!(
        // busybox runs its applets without exec: `{yes} /bin/sh -l`.
        processes.contains("{yes}") || processes.contains("yes 0123456789abcdef"),
        "the producer should be blocked on a full terminal, not done: {processes}"
    );
    let mut drained = 0usize;
    let mut tail = String::new();
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(120);
    use futures_util::StreamExt;
    while !tail.contains("DONE-2") {
        let message = tokio::time::timeout_at(deadline, terminal.socket.next())
            .await
            .expect("the output drains once the client reads")
            .expect("still connected")
            .expect("a frame");
        if let tokio_tungstenite::tungstenite::Message::Binary(bytes) = message {
            drained += bytes.len();
            tail.push_str(&String::from_utf8_lossy(&bytes));
            let keep = tail.len().saturating_sub(64);
            tail = tail.split_off(tail.floor_char_boundary(keep));
        }
    }
    assert!(drained >= 64_000_000, "drained {drained} bytes");
}
