//! `ssh ENV` under tmux, as a person uses it: a prompt, a command's output on the screen,
//! and `exit` ending the session.

use std::time::{Duration, Instant};

use tokio::process::Command;

use super::{name_of, text, SshUser};
use crate::support::app::spawn_app;
use crate::support::provisioning::user_with_environment;

/// A tmux session of its own (its own server socket too), closed when dropped.
struct Tmux {
    socket: String,
}

impl Tmux {
    async fn start(command: &str) -> Tmux {
        let tmux = Tmux {
            socket: format!("sandboxd-ssh-{}", uuid::Uuid::new_v4().simple()),
        };
        let started = tmux
            .command(&[
                "new-session",
                "-d",
                "-s",
                "ssh",
                "-x",
                "120",
                "-y",
                "30",
                command,
            ])
            .output()
            .await
            .expect("tmux is installed");
        assert!(started.status.success(), "{started:?}");
        tmux
    }

    fn command(&self, args: &[&str]) -> Command {
        let mut command = Command::new("tmux");
        command.args(["-L", &self.socket]).args(args);
        command
    }

    async fn send(&self, keys: &[&str]) {
        let sent = self
            .command(&[&["send-keys", "-t", "ssh"][..], keys].concat())
            .output()
            .await;
        assert!(sent.unwrap().status.success());
    }

    async fn screen(&self) -> String {
        let captured = self
            .command(&["capture-pane", "-p", "-t", "ssh"])
            .output()
            .await
            .unwrap();
        String::from_utf8_lossy(&captured.stdout).into_owned()
    }

    async fn wait_for(&self, found: impl Fn(&str) -> bool, what: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let screen = self.screen().await;
            if found(&screen) {
                return screen;
            }
            assert!(
                Instant::now() < deadline,
                "no {what} on the screen:\n{screen}"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// `rows cols` of the pane, as `stty size` prints them.
    async fn pane_size(&self) -> String {
        let format = "#{pane_height} #{pane_width}";
        let shown = self
            .command(&["display-message", "-p", "-t", "ssh", format])
            .output()
            .await;
        String::from_utf8_lossy(&shown.unwrap().stdout)
            .trim()
            .to_string()
    }

    async fn is_open(&self) -> bool {
        let listed = self
            .command(&["list-panes", "-t", "ssh"])
            .output()
            .await
            .unwrap();
        listed.status.success()
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = std::process::Command::new("tmux")
            .args(["-L", &self.socket, "kill-server"])
            .output();
    }
}

#[tokio::test]
async fn a_shell_under_tmux_shows_a_prompt_runs_a_command_and_exits() {
    let app = spawn_app().await;
    let (token, id) = user_with_environment(&app, "typist").await;
    let user = SshUser::new(&app).await;
    user.register(&app, &token).await;
    let name = name_of(&app, &token, &id).await;
    let mut ssh = vec!["ssh".to_string(), "-tt".to_string()];
    ssh.extend(user.options("-p"));
    ssh.push(format!("{name}@127.0.0.1"));
    // The pane stays after ssh ends, so its last words can still be read.
    let tmux = Tmux::start(&format!("{}; echo ssh-ended-$?; sleep 30", ssh.join(" "))).await;

    tmux.wait_for(
        |screen| screen.contains('#') || screen.contains('$'),
        "prompt",
    )
    .await;
    tmux.send(&["echo $((6 * 7))-answer", "Enter"]).await;
    tmux.wait_for(|screen| screen.contains("42-answer"), "command output")
        .await;
    tmux.send(&["stty size", "Enter"]).await;
    let pane = tmux.pane_size().await;
    tmux.wait_for(|screen| screen.contains(&pane), "the pane's size")
        .await;
    tmux.send(&["exit 4", "Enter"]).await;
    tmux.wait_for(
        |screen| screen.contains("ssh-ended-4"),
        "the shell's exit status",
    )
    .await;
    assert!(tmux.is_open().await);
}

#[tokio::test]
async fn a_tty_shell_reads_its_input_to_the_end_and_runs_to_its_exit() {
    let app = spawn_app().await;
    let (token, id) = user_with_environment(&app, "piper").await;
    let user = SshUser::new(&app).await;
    user.register(&app, &token).await;
    let name = name_of(&app, &token, &id).await;
    // The input ends long before the shell does: it must still run what it was given.
    let mut ssh = user
        .ssh(&name, &["-tt"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = ssh.stdin.take().unwrap();
    tokio::io::AsyncWriteExt::write_all(&mut stdin, b"sleep 1; echo done-$((1+1)); exit 7\n")
        .await
        .unwrap();
    drop(stdin);
    let output = tokio::time::timeout(std::time::Duration::from_secs(60), ssh.wait_with_output())
        .await
        .expect("the shell ends")
        .unwrap();
    assert!(text(&output.stdout).contains("done-2"), "{output:?}");
    assert_eq!(output.status.code(), Some(7), "{output:?}");
}
