//! The Docker engine restarted: terminals end with a clear error and can reconnect; what needs
//! the engine answers 503 while it is down, reads from Postgres go on, and a create accepted
//! meanwhile is provisioned once the engine is back. The engine stops every container as it
//! goes down and starts them again when it returns (their restart policy).

use std::time::{Duration, Instant};

use futures_util::StreamExt;
use serde_json::{json, Value};
use tokio_tungstenite::tungstenite::{self, Message};

use crate::support::app::spawn_app;
use crate::support::checks::*;
use crate::support::daemons::{outage, time_until, StackEngine};
use crate::support::terminal::Terminal;
use crate::support::ws;

/// The frames a terminal receives until the server closes it: (non-output frames, close code).
async fn end_of(terminal: &mut Terminal, within: Duration) -> (Vec<Value>, Option<u16>) {
    let deadline = tokio::time::Instant::now() + within;
    let mut frames = Vec::new();
    loop {
        let message = tokio::time::timeout_at(deadline, terminal.socket.next())
            .await
            .unwrap_or_else(|_| panic!("the terminal stayed open; frames {frames:?}"));
        match message {
            Some(Ok(Message::Text(text))) => {
                let frame: Value = serde_json::from_str(text.as_str()).unwrap();
                if frame["type"] != "output" {
                    frames.push(frame);
                }
            }
            Some(Ok(Message::Close(close))) => return (frames, close.map(|c| u16::from(c.code))),
            Some(Ok(_)) => {}
            _ => return (frames, None),
        }
    }
}

#[tokio::test]
#[ignore = "restarts the shared Docker engine; `make test` runs it alone, after the main suite"]
async fn docker_restarted_under_provisioning_and_terminals_recovers() {
    let app = spawn_app().await;
    let (token, running, mut terminal) =
        user_with_open_terminal(&app, "docker-fault", "session=keep").await;

    let caught = app.creating_busybox(&token).await;
    let caught_at = stage_of(&app, &token, &caught).await;
    let stopping = Instant::now();
    let mut engine = StackEngine;
    let outage = outage(&mut engine);
    let stop_took = stopping.elapsed();

    let (frames, close) = end_of(&mut terminal, Duration::from_secs(30)).await;
    println!("terminal ended with {frames:?}, close {close:?}");
    let error = frames
        .iter()
        .find(|frame| frame["type"] == "error")
        .unwrap_or_else(|| panic!("no error frame: {frames:?}"));
    assert_eq!(error["code"], "TERMINAL_LOST", "{error}");
    assert_eq!(close, Some(1013), "{frames:?}");

    assert_eq!(app.get("/healthz", None).await.status(), 200);
    assert_eq!(app.get("/api/containers", Some(&token)).await.status(), 200);
    assert_unavailable(
        app.get(&format!("/api/containers/{running}/stats"), Some(&token)),
        "DOCKER_UNAVAILABLE",
    )
    .await;
    assert_unavailable(
        app.post(
            &format!("/api/containers/{running}/exec"),
            Some(&token),
            &json!({"command": ["true"]}),
        ),
        "DOCKER_UNAVAILABLE",
    )
    .await;
    let refused = ws::connect(
        &app,
        &format!("/ws/terminal/{running}?token={token}&session=keep"),
    )
    .await;
    match refused {
        Err(tungstenite::Error::Http(response)) => assert_eq!(response.status(), 503),
        other => panic!("a terminal opened without an engine: {other:?}"),
    }
    assert_unavailable(app.get("/readyz", None), "NOT_READY").await;
    let during = app.creating_busybox(&token).await;

    let downtime = outage.restore();
    let restarted = Instant::now();
    let settled = time_until_settled(&app, &token).await;
    let reconnected = time_until(RECOVERS_WITHIN, "terminal reconnects", || async {
        ws::connect(
            &app,
            &format!("/ws/terminal/{running}?token={token}&session=keep"),
        )
        .await
        .is_ok()
    })
    .await;
    let mut again = Terminal::open(&app, &token, &running, "session=keep").await;
    assert_echoes(&mut again, "after").await;
    for id in [&caught, &during] {
        let mut shell = Terminal::open(&app, &token, id, "").await;
        assert_echoes(&mut shell, "fresh").await;
        shell.close().await;
    }
    let environments = assert_whole(&app, &token).await;
    let attempts = assert_jobs_done(&app).await;
    assert_eq!(environments, 3);
    again.close().await;
    println!(
        "FAULT docker: engine stop took {}, down {}; create caught at {caught_at}; \
         environments running {} after restart, terminal reconnected {} after restart \
         (total {}); {environments} environments, one container each, none orphaned, jobs done in attempts {attempts:?}",
        seconds(stop_took),
        seconds(downtime),
        seconds(settled),
        seconds(reconnected),
        seconds(restarted.elapsed()),
    );
}
