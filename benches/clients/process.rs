//! A client program on pipes (`sandboxd shell`, `ssh -tt`): bytes written to its stdin,
//! its stdout read as it comes. The environment's TTY echoes, as for a person typing.

use std::process::Stdio;
use std::time::Duration;

use anyhow::{anyhow, Context};
use bytes::Bytes;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::process::{Child, ChildStdin, Command};
use tokio::sync::mpsc;

pub struct Process {
    pub label: &'static str,
    child: Child,
    stdin: ChildStdin,
    output: mpsc::Receiver<Bytes>,
}

impl Process {
    pub fn spawn(label: &'static str, mut command: Command) -> anyhow::Result<Process> {
        let mut child = command
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .kill_on_drop(true)
            .spawn()
            .with_context(|| format!("starting {label}"))?;
        let stdin = child.stdin.take().expect("piped");
        let mut stdout = child.stdout.take().expect("piped");
        let (sender, output) = mpsc::channel(256);
        tokio::spawn(async move {
            let mut buffer = vec![0u8; 32 * 1024];
            while let Ok(n) = stdout.read(&mut buffer).await {
                if n == 0
                    || sender
                        .send(Bytes::copy_from_slice(&buffer[..n]))
                        .await
                        .is_err()
                {
                    break;
                }
            }
        });
        Ok(Process {
            label,
            child,
            stdin,
            output,
        })
    }

    pub async fn send(&mut self, bytes: &[u8]) -> anyhow::Result<()> {
        self.stdin.write_all(bytes).await?;
        self.stdin.flush().await?;
        Ok(())
    }

    pub async fn recv_within(&mut self, within: Duration) -> anyhow::Result<Bytes> {
        tokio::time::timeout(within, self.output.recv())
            .await
            .map_err(|_| anyhow!("{}: no output within {within:?}", self.label))?
            .ok_or_else(|| anyhow!("{}: the program ended", self.label))
    }

    pub async fn drain(&mut self, quiet: Duration) {
        while let Ok(Some(_)) = tokio::time::timeout(quiet, self.output.recv()).await {}
    }

    pub async fn close(mut self) {
        let _ = self.send(b"exit\r").await;
        let _ = tokio::time::timeout(Duration::from_secs(5), self.child.wait()).await;
        let _ = self.child.kill().await;
    }
}
