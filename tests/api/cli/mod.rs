//! The `sandboxd` binary as a client, run for real against a test server: its own config
//! directory per test, its output and exit codes read as a script would.

mod account;
mod commands;
mod copy;
mod forward;
mod mcp;
mod relay;
mod shell;

use std::path::{Path, PathBuf};
use std::process::{Output, Stdio};

use tokio::io::AsyncWriteExt;
use tokio::process::Command;

use crate::support::app::TestApp;

pub const BINARY: &str = env!("CARGO_BIN_EXE_sandboxd");

/// A scratch directory removed when the test ends, however it ends.
pub struct Scratch(pub PathBuf);

impl Scratch {
    pub fn new() -> Self {
        let dir =
            std::env::temp_dir().join(format!("sandboxd-cli-{}", uuid::Uuid::new_v4().simple()));
        std::fs::create_dir_all(&dir).expect("a scratch directory");
        Self(dir)
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The client as one user runs it: a saved login of its own, or a token in its environment.
pub struct Client {
    pub scratch: Scratch,
    url: String,
    token: Option<String>,
}

impl Client {
    /// Not logged in: commands need `login` first, or `with_token`.
    pub fn new(app: &TestApp) -> Self {
        Self {
            scratch: Scratch::new(),
            url: app.address.clone(),
            token: None,
        }
    }

    /// Authenticated by `SANDBOXD_TOKEN`, as a script in CI would be.
    pub fn with_token(app: &TestApp, token: &str) -> Self {
        Self {
            token: Some(token.to_string()),
            ..Self::new(app)
        }
    }

    pub fn config(&self) -> PathBuf {
        self.scratch.path("config/sandboxd/config.json")
    }

    pub fn command(&self, args: &[&str]) -> Command {
        let mut command = Command::new(BINARY);
        command
            .args(args)
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", &self.scratch.0)
            .env("SANDBOXD_CONFIG", self.config())
            .env("SANDBOXD_URL", &self.url)
            .kill_on_drop(true);
        if let Some(token) = &self.token {
            command.env("SANDBOXD_TOKEN", token);
        }
        command
    }

    pub async fn run(&self, args: &[&str]) -> Output {
        self.run_with_input(args, "").await
    }

    pub async fn run_with_input(&self, args: &[&str], input: &str) -> Output {
        let mut child = self
            .command(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the binary starts");
        let mut stdin = child.stdin.take().expect("stdin is piped");
        stdin
            .write_all(input.as_bytes())
            .await
            .expect("input is written");
        drop(stdin);
        tokio::time::timeout(
            std::time::Duration::from_secs(120),
            child.wait_with_output(),
        )
        .await
        .expect("the command ends within 2 minutes")
        .expect("the command runs")
    }

    /// Runs `args` with `--output json`, expects success, and parses what it printed.
    pub async fn json(&self, args: &[&str]) -> serde_json::Value {
        let mut all = vec!["--output", "json"];
        all.extend_from_slice(args);
        let output = self.run(&all).await;
        assert!(output.status.success(), "{args:?}: {}", describe(&output));
        serde_json::from_slice(&output.stdout)
            .unwrap_or_else(|err| panic!("{args:?} printed no JSON ({err}): {}", describe(&output)))
    }
}

pub fn describe(output: &Output) -> String {
    format!(
        "exit {:?}\nstdout: {}\nstderr: {}",
        output.status.code(),
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

pub fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

pub fn mode_of(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path)
        .expect("the file exists")
        .permissions()
        .mode()
        & 0o777
}

/// The command failed as it should: exit 1, and `reason` (the API's code, or the client's
/// own message) on stderr.
pub fn assert_refused(output: &Output, code: &str) {
    assert_eq!(output.status.code(), Some(1), "{}", describe(output));
    assert!(
        stderr(output).contains(code),
        "{code}: {}",
        describe(output)
    );
}
