//! The server's memory while many idle terminals are open.

use std::time::{Duration, Instant};

use anyhow::{anyhow, bail, ensure};
use futures_util::StreamExt;
use tokio_tungstenite::tungstenite::Message;
use tokio_util::sync::CancellationToken;

use crate::common::server::Server;
use crate::common::sockets::open_many;
use crate::term::{open_websocket, Socket};
use crate::{IDLE_TERMINALS, OPEN_CONCURRENCY, OUTPUT_WITHIN};

pub struct Memory {
    pub before: Sample,
    pub held: Sample,
    pub after_close: Sample,
    /// Terminals that got their prompt, and how many shells the server counted then.
    pub opened: usize,
    pub held_by_server: usize,
    /// Shells the server still held a while after every WebSocket closed.
    pub left_open: usize,
    pub failures: Vec<String>,
    pub open_time: Duration,
}

#[derive(Clone, Copy)]
pub struct Sample {
    pub rss_kb: u64,
    pub threads: u64,
    pub fds: usize,
}

impl Sample {
    fn of(pid: u32) -> anyhow::Result<Sample> {
        let status = std::fs::read_to_string(format!("/proc/{pid}/status"))?;
        let field = |name: &str| -> anyhow::Result<u64> {
            let line = status
                .lines()
                .find(|line| line.starts_with(name))
                .ok_or_else(|| anyhow!("no {name} in /proc/{pid}/status"))?;
            Ok(line[name.len()..]
                .split_whitespace()
                .next()
                .unwrap_or_default()
                .parse()?)
        };
        Ok(Sample {
            rss_kb: field("VmRSS:")?,
            threads: field("Threads:")?,
            fds: std::fs::read_dir(format!("/proc/{pid}/fd"))?.count(),
        })
    }

    pub fn mb(&self) -> f64 {
        self.rss_kb as f64 / 1024.0
    }
}

pub async fn idle_terminals(
    server: &Server,
    base: &str,
    urls: &[String],
) -> anyhow::Result<Memory> {
    let client = reqwest::Client::new();
    // The terminals of the earlier phases are hung up after the grace period.
    let left = wait_for_terminals(&client, base, 0, Duration::from_secs(30)).await?;
    ensure!(
        left == 0,
        "{left} terminals of the earlier phases are still open"
    );
    tokio::time::sleep(Duration::from_secs(1)).await;
    let before = Sample::of(server.pid())?;

    let urls: Vec<String> = urls
        .iter()
        .map(|url| format!("{url}&mode=binary"))
        .collect();
    let cancel = CancellationToken::new();
    let (sockets, failures, open_time) = open_many(IDLE_TERMINALS, OPEN_CONCURRENCY, |index| {
        open_idle(&urls[index % urls.len()])
    })
    .await;
    // Each held by a task that keeps reading, so the server's pings are answered.
    let holders: Vec<_> = sockets
        .into_iter()
        .map(|socket| tokio::spawn(hold(socket, cancel.clone())))
        .collect();
    let count = holders.len();
    if let Some(first) = failures.first() {
        eprintln!(
            "    {} of {IDLE_TERMINALS} terminals failed to open; the first: {first}",
            failures.len()
        );
    }
    let held_by_server = wait_for_terminals(&client, base, count, Duration::from_secs(30)).await?;
    tokio::time::sleep(Duration::from_secs(2)).await;
    let held = Sample::of(server.pid())?;

    cancel.cancel();
    for holder in holders {
        let _ = holder.await;
    }
    eprintln!("    closed; waiting for the server to hang the shells up ...");
    let left_open = wait_for_terminals(&client, base, 0, Duration::from_secs(60)).await?;
    tokio::time::sleep(Duration::from_secs(2)).await;
    let after_close = Sample::of(server.pid())?;
    Ok(Memory {
        before,
        held,
        after_close,
        opened: count,
        held_by_server,
        left_open,
        failures,
        open_time,
    })
}

/// A terminal that got its `connected` frame and its prompt.
async fn open_idle(url: &str) -> anyhow::Result<Socket> {
    let (mut socket, hello) = open_websocket(url).await?;
    ensure!(hello["type"] == "connected", "expected connected: {hello}");
    let mut screen = Vec::new();
    while !is_prompt(&screen) {
        let message = tokio::time::timeout(OUTPUT_WITHIN, socket.next())
            .await
            .map_err(|_| {
                let screen = String::from_utf8_lossy(&screen);
                anyhow!("no prompt within {OUTPUT_WITHIN:?}; screen {screen:?}")
            })?
            .ok_or_else(|| anyhow!("closed before the prompt"))??;
        match message {
            Message::Binary(bytes) => screen.extend_from_slice(&bytes),
            Message::Text(text) => bail!("unexpected frame before the prompt: {text}"),
            Message::Close(frame) => bail!("closed before the prompt: {frame:?}"),
            _ => {}
        }
    }
    Ok(socket)
}

/// Whether the screen ends with a shell's prompt (`$ `, `# `, ...), escape sequences aside.
fn is_prompt(screen: &[u8]) -> bool {
    let mut text = Vec::with_capacity(screen.len());
    let mut bytes = screen.iter().copied().peekable();
    while let Some(byte) = bytes.next() {
        if byte != 0x1b {
            text.push(byte);
            continue;
        }
        match bytes.next() {
            // CSI: parameters, then one final byte in @..~.
            Some(b'[') => {
                for byte in bytes.by_ref() {
                    if (0x40..=0x7e).contains(&byte) {
                        break;
                    }
                }
            }
            // OSC (a window title): up to BEL or ESC \.
            Some(b']') => {
                while let Some(byte) = bytes.next() {
                    if byte == 0x07 || (byte == 0x1b && bytes.next_if_eq(&b'\\').is_some()) {
                        break;
                    }
                }
            }
            _ => {}
        }
    }
    [&b"$ "[..], b"# ", b"> ", b"% "]
        .iter()
        .any(|end| text.ends_with(end))
}

async fn hold(mut socket: Socket, cancel: CancellationToken) {
    loop {
        tokio::select! {
            _ = cancel.cancelled() => {
                let _ = socket.close(None).await;
                return;
            }
            message = socket.next() => match message {
                Some(Ok(_)) => {}
                _ => return,
            }
        }
    }
}

/// Waits (up to `within`) until the server holds `count` terminal shells, by its `terminals`
/// gauge; returns how many it holds.
async fn wait_for_terminals(
    client: &reqwest::Client,
    base: &str,
    count: usize,
    within: Duration,
) -> anyhow::Result<usize> {
    let deadline = Instant::now() + within;
    loop {
        let text = client
            .get(format!("{base}/metrics"))
            .send()
            .await?
            .text()
            .await?;
        let open = text
            .lines()
            .filter(|line| !line.starts_with('#'))
            .find_map(|line| {
                let (name, value) = line.split_once(' ')?;
                (name == "terminals" || name.ends_with("_terminals"))
                    .then(|| value.trim().parse::<f64>().ok())
                    .flatten()
            })
            .ok_or_else(|| anyhow!("no terminals gauge in /metrics"))? as usize;
        if open == count || Instant::now() >= deadline {
            return Ok(open);
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}
