//! `sandboxd shell` in a real terminal (tmux): a prompt, a command's output, a resize seen
//! inside, and the local terminal restored when the shell exits.

use std::process::Command;
use std::time::{Duration, Instant};

use super::commands::created;
use super::relay::Relay;
use super::{Client, BINARY};
use crate::support::app::spawn_app;
use crate::support::provisioning::busybox;

/// A tmux session of its own, killed when the test ends.
struct Tmux(String);

impl Tmux {
    fn start(command: &str) -> Self {
        let name = format!("sandboxd-test-{}", uuid::Uuid::new_v4().simple());
        let status = Command::new("tmux")
            .args([
                "new-session",
                "-d",
                "-s",
                &name,
                "-x",
                "100",
                "-y",
                "30",
                command,
            ])
            .status()
            .expect("tmux runs");
        assert!(status.success());
        Self(name)
    }

    fn send(&self, keys: &str) {
        let status = Command::new("tmux")
            .args(["send-keys", "-t", &self.0, "-l", keys])
            .status()
            .unwrap();
        assert!(status.success());
        Command::new("tmux")
            .args(["send-keys", "-t", &self.0, "Enter"])
            .status()
            .unwrap();
    }

    fn resize(&self, cols: u16, rows: u16) {
        let (cols, rows) = (cols.to_string(), rows.to_string());
        let status = Command::new("tmux")
            .args(["resize-window", "-t", &self.0, "-x", &cols, "-y", &rows])
            .status()
            .unwrap();
        assert!(status.success());
    }

    fn screen(&self) -> String {
        let output = Command::new("tmux")
            .args(["capture-pane", "-p", "-J", "-S", "-200", "-t", &self.0])
            .output()
            .unwrap();
        String::from_utf8_lossy(&output.stdout).into_owned()
    }

    async fn wait_for(&self, text: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let screen = self.screen();
            if screen.contains(text) {
                return screen;
            }
            assert!(
                Instant::now() < deadline,
                "never saw {text:?} on:\n{screen}"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .args(["kill-session", "-t", &self.0])
            .status();
    }
}

#[tokio::test]
async fn a_shell_answers_follows_the_window_and_gives_the_terminal_back() {
    let app = spawn_app().await;
    let token = app.user_token("ada").await;
    let client = Client::with_token(&app, &token);
    created(&client, &busybox(&app), "dev").await;
    let command = format!(
        "env SANDBOXD_URL={} SANDBOXD_TOKEN={token} {BINARY} shell dev; echo shell-exit=$?; stty -a; sleep 120",
        app.address
    );
    let tmux = Tmux::start(&command);

    tmux.send("echo ready-$((6*7))");
    tmux.wait_for("ready-42").await;
    tmux.send("stty size");
    tmux.wait_for("30 100").await;
    tmux.resize(120, 40);
    // The resize reaches the shell's TTY; a moment later it reports the new size.
    tokio::time::sleep(Duration::from_millis(500)).await;
    tmux.send("stty size");
    tmux.wait_for("40 120").await;

    tmux.send("exit 5");
    let screen = tmux.wait_for("shell-exit=5").await;
    let after_exit = screen
        .split("shell-exit=5")
        .nth(1)
        .unwrap_or_default()
        .to_string();
    let screen = tmux.wait_for("icanon").await;
    let settings = screen.split("shell-exit=5").nth(1).unwrap_or(&after_exit);
    // Raw mode turns canonical input and echo off (`-icanon -echo`); back to normal they show plain.
    assert!(
        settings.contains(" icanon") && !settings.contains("-icanon"),
        "{settings}"
    );
    assert!(
        settings.contains(" echo ") && !settings.contains("-echo "),
        "{settings}"
    );
}

#[tokio::test]
async fn a_dropped_connection_reconnects_to_the_same_shell() {
    let app = spawn_app().await;
    let token = app.user_token("bob").await;
    let client = Client::with_token(&app, &token);
    created(&client, &busybox(&app), "dev").await;
    let relay = Relay::start(&app.address).await;
    let command = format!(
        "env SANDBOXD_URL={} SANDBOXD_TOKEN={token} {BINARY} shell dev; echo shell-exit=$?; sleep 120",
        relay.address
    );
    let tmux = Tmux::start(&command);
    tmux.send("KEPT=still-$((2*3)); echo set-$KEPT");
    tmux.wait_for("set-still-6").await;

    relay.drop_connections();
    tmux.wait_for("connection lost; reconnecting").await;
    // The same session comes back: its variable is still set, and the replay redraws it.
    tmux.send("echo after-$KEPT");
    tmux.wait_for("after-still-6").await;
    tmux.send("exit");
    tmux.wait_for("shell-exit=0").await;
}
