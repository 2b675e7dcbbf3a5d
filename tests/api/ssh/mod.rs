//! The SSH edge driven by Debian's OpenSSH client: keys through the API (`keys`), commands
//! and their exit status (`commands`), a shell under tmux (`shell`), scp and sftp
//! (`files`), `-L` (`forward`), who is turned away (`refusals`), and environments started
//! or resumed by a connection (`arrival`).

mod arrival;
mod commands;
mod files;
mod forward;
mod keys;
mod page;
mod refusals;
mod shell;

use std::path::{Path, PathBuf};
use std::process::Output;

use serde_json::{json, Value};
use tokio::process::Command;

use crate::support::app::TestApp;

/// A key pair made by ssh-keygen in a directory of its own, and the client options every
/// call uses: no agent, no config, no prompts, a known_hosts file of its own.
pub struct SshUser {
    dir: PathBuf,
    port: u16,
}

impl SshUser {
    pub async fn new(app: &TestApp) -> Self {
        let dir = std::env::temp_dir().join(format!("sandboxd-ssh-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&dir).unwrap();
        let made = Command::new("ssh-keygen")
            .args([
                "-q",
                "-t",
                "ed25519",
                "-N",
                "",
                "-C",
                "tester@sandboxd",
                "-f",
            ])
            .arg(dir.join("id"))
            .output()
            .await
            .expect("ssh-keygen is installed");
        assert!(made.status.success(), "{made:?}");
        SshUser {
            dir,
            port: app.ssh_port.expect("the SSH edge is on in tests"),
        }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    pub fn public_key(&self) -> String {
        std::fs::read_to_string(self.dir.join("id.pub")).unwrap()
    }

    /// Registers the key for the holder of `token`; returns the API's answer.
    pub async fn register(&self, app: &TestApp, token: &str) -> Value {
        let response = app
            .post(
                "/api/ssh-keys",
                Some(token),
                &json!({"name": "test key", "public_key": self.public_key()}),
            )
            .await;
        assert_eq!(response.status(), 201);
        response.json().await.unwrap()
    }

    /// The client's options, for `ssh` (`port_flag` "-p") or `scp`/`sftp` ("-P").
    pub fn options(&self, port_flag: &str) -> Vec<String> {
        let known_hosts = self.dir.join("known_hosts");
        [
            port_flag.to_string(),
            self.port.to_string(),
            "-F".into(),
            "/dev/null".into(),
            "-i".into(),
            self.dir.join("id").display().to_string(),
            "-o".into(),
            "IdentitiesOnly=yes".into(),
            "-o".into(),
            "IdentityAgent=none".into(),
            "-o".into(),
            "BatchMode=yes".into(),
            "-o".into(),
            "StrictHostKeyChecking=no".into(),
            "-o".into(),
            format!("UserKnownHostsFile={}", known_hosts.display()),
            "-o".into(),
            "LogLevel=ERROR".into(),
            "-o".into(),
            "ConnectTimeout=10".into(),
        ]
        .to_vec()
    }

    /// `ssh ... ENVIRONMENT@127.0.0.1 [extra...]`, ready to run.
    pub fn ssh(&self, environment: &str, extra: &[&str]) -> Command {
        let mut command = Command::new("ssh");
        command
            .args(self.options("-p"))
            .arg(format!("{environment}@127.0.0.1"))
            .args(extra)
            .kill_on_drop(true);
        command
    }

    /// Runs `remote` in `environment` and waits for it.
    pub async fn run(&self, environment: &str, remote: &str) -> Output {
        let run = self.ssh(environment, &[remote]).output();
        tokio::time::timeout(std::time::Duration::from_secs(180), run)
            .await
            .expect("ssh finishes")
            .expect("ssh runs")
    }
}

impl Drop for SshUser {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// The environment's name, as `ssh NAME@HOST` takes it.
pub async fn name_of(app: &TestApp, token: &str, id: &str) -> String {
    let (_, environment) = app.container(token, id).await;
    environment["name"].as_str().unwrap().to_string()
}
