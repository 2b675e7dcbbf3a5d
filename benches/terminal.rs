//! `make bench-terminal`: sandboxd's browser terminal against a raw Docker exec attach to the
//! same container, in one run, so both see the same machine:
//!
//! 1. keystroke round trip (one byte in, its echo back), p50 and p99, samples interleaved;
//! 2. throughput of `cat` of a 100 MB file, binary and JSON mode, median of 3 runs each;
//! 3. the server's resident memory before and while 1,000 idle terminals are open.
//!
//! The server is a separate `sandboxd serve` process (its memory is what is measured), over a
//! fresh database and its own Redis prefix; it is killed, and whatever it made removed, at the
//! end, pass or fail.

mod common;

use std::pin::Pin;
use std::time::{Duration, Instant};

use anyhow::{anyhow, bail, ensure, Context};
use bollard::container::LogOutput;
use bollard::exec::{CreateExecOptions, StartExecOptions, StartExecResults};
use bollard::query_parameters::ResizeExecOptions;
use bollard::{Docker, API_DEFAULT_VERSION};
use bytes::Bytes;
use common::api::Api;
use common::server::Server;
use common::stage::{only_listing, Stage};
use common::stats::{median, ms, percentile};
use futures_util::{SinkExt, Stream, StreamExt};
use sandboxd::config::Settings;
use serde_json::{json, Value};
use tokio::io::{AsyncWrite, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};
use tokio_util::sync::CancellationToken;

const COLS: u16 = 120;
const ROWS: u16 = 40;
const WARMUP: usize = 50;
const SAMPLES: usize = 500;
/// Keystrokes typed on one line before it is cleared with Ctrl-U.
const LINE_LENGTH: usize = 50;
const BIG_FILE_BYTES: u64 = 100_000_000;
const CAT_RUNS: usize = 3;
const IDLE_TERMINALS: usize = 1_000;
/// The idle terminals are spread over this many environments, as many users' would be: the
/// engine handles a few dozen execs per container well, not a thousand (hang-ups then take
/// minutes, and removing the container longer).
const IDLE_ENVIRONMENTS: usize = 40;
const OPEN_CONCURRENCY: usize = 32;
/// The engine's read buffer per attach, as sandboxd's own (runtime/tty.rs).
const READ_CAPACITY: usize = 32 * 1024;
const OUTPUT_WITHIN: Duration = Duration::from_secs(30);
const MARKER: &[u8] = b"END-42";

type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    if only_listing() {
        return Ok(());
    }
    // A thousand WebSockets, each a file.
    rlimit::increase_nofile_limit(u64::MAX).context("raising the open files limit")?;
    let extra = [
        ("SANDBOXD_PIDS_LIMIT", "4096".to_string()),
        (
            "SANDBOXD_TERMINALS_PER_ENVIRONMENT",
            IDLE_TERMINALS.div_ceil(IDLE_ENVIRONMENTS).to_string(),
        ),
        ("SANDBOXD_TERMINAL_GRACE_SECONDS", "1".to_string()),
    ];
    let stage = Stage::start("terminal", &extra).await?;
    let outcome = run(&stage).await;
    stage.finish(outcome).await
}

async fn run(stage: &Stage) -> anyhow::Result<()> {
    let (settings, server) = (&stage.settings, &stage.server);
    server.wait_ready(Duration::from_millis(100)).await?;
    let api = stage.admin_with_room().await?;
    eprintln!("==> creating a busybox environment ...");
    let busybox = json!({
        "image": "custom",
        "custom_image": format!("{}/sandboxd/busybox:latest", settings.registry),
        "role": "barebone",
        "shell": {"enhanced": false},
        "memory_mb": 2048,
        "cpu_shares": 2000,
    });
    let id = api
        .create_running(
            &busybox,
            Duration::from_secs(180),
            Duration::from_millis(100),
        )
        .await?;
    eprintln!("==> creating {IDLE_ENVIRONMENTS} more for the idle terminals ...");
    let idle = api.create_all(&busybox, IDLE_ENVIRONMENTS).await?;
    let running = api
        .wait_running(&idle, Duration::from_secs(180), Duration::from_millis(100))
        .await?;
    ensure!(
        running == IDLE_ENVIRONMENTS,
        "{running} of {IDLE_ENVIRONMENTS} running"
    );
    let outcome = measure(settings, server, &api, &id, &idle).await;
    // The environments go first through the API, so the server forgets them too.
    if let Err(err) = api.delete_all(&[vec![id], idle].concat()).await {
        eprintln!("deleting the environments failed: {err:#}");
    }
    outcome
}

fn terminal_url(api: &Api, id: &str) -> String {
    format!(
        "{}/ws/terminal/{id}?token={}&cols={COLS}&rows={ROWS}",
        api.base.replacen("http", "ws", 1),
        api.token
    )
}

async fn measure(
    settings: &Settings,
    server: &Server,
    api: &Api,
    id: &str,
    idle: &[String],
) -> anyhow::Result<()> {
    let docker = docker(&settings.docker_host).await?;
    let container = format!("sbx-{id}");
    let ws_base = terminal_url(api, id);

    eprintln!("==> writing /tmp/big ({BIG_FILE_BYTES} bytes) with a raw exec ...");
    let script = format!(
        "yes abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstuvwxyz0123456789 \
         | head -c {BIG_FILE_BYTES} > /tmp/big && wc -c < /tmp/big"
    );
    let written = run_exec(&docker, &container, &["sh", "-c", &script]).await?;
    ensure!(
        written.trim() == BIG_FILE_BYTES.to_string(),
        "/tmp/big was not written: {written:?}"
    );

    let mut binary = Term::websocket(&ws_base, "binary").await?;
    let mut text = Term::websocket(&ws_base, "json").await?;
    let mut raw = Term::raw(&docker, &container).await?;
    for term in [&mut binary, &mut text, &mut raw] {
        term.wait_for_shell().await?;
    }

    eprintln!(
        "==> keystroke round trips: {WARMUP} warm-up + {SAMPLES} samples per side, interleaved ..."
    );
    let echoes = keystrokes(&mut [&mut binary, &mut text, &mut raw]).await?;

    eprintln!("==> cat of {BIG_FILE_BYTES} bytes: {CAT_RUNS} runs per side, interleaved ...");
    let throughput = cat_runs(&mut [&mut binary, &mut text, &mut raw]).await?;
    binary.close().await;
    text.close().await;
    raw.close().await;

    eprintln!("==> {IDLE_TERMINALS} idle terminals, {OPEN_CONCURRENCY} opened at a time ...");
    let idle_urls: Vec<String> = idle.iter().map(|id| terminal_url(api, id)).collect();
    let memory = idle_terminals(server, &api.base, &idle_urls).await;

    report(&echoes, &throughput, &memory);
    record(&echoes, &throughput, &memory)
}

// ---------------------------------------------------------------------------------------------
// One terminal, either side.

enum Term {
    WebSocket {
        socket: Box<Socket>,
        json: bool,
    },
    Raw {
        output: Pin<Box<dyn Stream<Item = Result<LogOutput, bollard::errors::Error>> + Send>>,
        input: Pin<Box<dyn AsyncWrite + Send>>,
    },
}

impl Term {
    async fn websocket(ws_base: &str, mode: &str) -> anyhow::Result<Term> {
        let (socket, hello) = open_websocket(&format!("{ws_base}&mode={mode}")).await?;
        ensure!(hello["type"] == "connected", "expected connected: {hello}");
        Ok(Term::WebSocket {
            socket: Box::new(socket),
            json: mode == "json",
        })
    }

    /// What sandboxd's terminal runs, minus sandboxd: a login shell on a TTY of the same size.
    async fn raw(docker: &Docker, container: &str) -> anyhow::Result<Term> {
        let created = docker
            .create_exec(
                container,
                CreateExecOptions {
                    cmd: Some(vec!["sh".to_string(), "-l".to_string()]),
                    env: Some(
                        ["TERM=xterm-256color", "COLORTERM=truecolor", "LANG=C.UTF-8"]
                            .map(String::from)
                            .to_vec(),
                    ),
                    attach_stdin: Some(true),
                    attach_stdout: Some(true),
                    attach_stderr: Some(true),
                    tty: Some(true),
                    ..Default::default()
                },
            )
            .await?;
        let options = StartExecOptions {
            detach: false,
            tty: true,
            output_capacity: Some(READ_CAPACITY),
        };
        let StartExecResults::Attached { output, input } =
            docker.start_exec(&created.id, Some(options)).await?
        else {
            bail!("the engine detached the raw exec");
        };
        docker
            .resize_exec(
                &created.id,
                ResizeExecOptions {
                    h: i32::from(ROWS),
                    w: i32::from(COLS),
                },
            )
            .await?;
        Ok(Term::Raw { output, input })
    }

    fn label(&self) -> &'static str {
        match self {
            Term::WebSocket { json: false, .. } => "sandboxd terminal, binary",
            Term::WebSocket { json: true, .. } => "sandboxd terminal, JSON",
            Term::Raw { .. } => "raw docker exec attach",
        }
    }

    async fn send(&mut self, bytes: &[u8]) -> anyhow::Result<()> {
        match self {
            Term::WebSocket {
                socket,
                json: false,
            } => socket.send(Message::binary(bytes.to_vec())).await?,
            Term::WebSocket { socket, json: true } => {
                let data = std::str::from_utf8(bytes)?;
                let frame = json!({"type": "input", "data": data}).to_string();
                socket.send(Message::text(frame)).await?
            }
            Term::Raw { input, .. } => {
                input.write_all(bytes).await?;
                input.flush().await?;
            }
        }
        Ok(())
    }

    /// The next chunk of the shell's output; frames that carry none are skipped.
    async fn recv(&mut self) -> anyhow::Result<Bytes> {
        loop {
            match self {
                Term::WebSocket { socket, json } => {
                    let message = socket
                        .next()
                        .await
                        .ok_or_else(|| anyhow!("the terminal closed"))??;
                    match message {
                        Message::Binary(bytes) if !*json => return Ok(bytes),
                        Message::Text(text) => {
                            let frame: Value = serde_json::from_str(text.as_str())?;
                            match frame["type"].as_str() {
                                Some("output") => {
                                    let data = frame["data"].as_str().unwrap_or_default();
                                    return Ok(Bytes::from(data.to_string()));
                                }
                                Some("pong") => {}
                                _ => bail!("unexpected frame: {frame}"),
                            }
                        }
                        Message::Close(frame) => bail!("the terminal closed: {frame:?}"),
                        _ => {}
                    }
                }
                Term::Raw { output, .. } => {
                    let chunk = output
                        .next()
                        .await
                        .ok_or_else(|| anyhow!("the raw exec ended"))??;
                    match chunk {
                        LogOutput::Console { message }
                        | LogOutput::StdOut { message }
                        | LogOutput::StdErr { message } => return Ok(message),
                        LogOutput::StdIn { .. } => {}
                    }
                }
            }
        }
    }

    async fn recv_within(&mut self, within: Duration) -> anyhow::Result<Bytes> {
        tokio::time::timeout(within, self.recv())
            .await
            .map_err(|_| anyhow!("{}: no output within {within:?}", self.label()))?
    }

    /// Reads until nothing arrives for `quiet`.
    async fn drain(&mut self, quiet: Duration) -> anyhow::Result<()> {
        while let Ok(chunk) = tokio::time::timeout(quiet, self.recv()).await {
            chunk?;
        }
        Ok(())
    }

    /// Until the shell answers a command: its prompt and profile are out of the way.
    async fn wait_for_shell(&mut self) -> anyhow::Result<()> {
        self.send(b"echo READY-$((20+1))\r").await?;
        let mut screen = Vec::new();
        while !contains(&screen, b"READY-21") {
            let chunk = self.recv_within(OUTPUT_WITHIN).await?;
            screen.extend_from_slice(&chunk);
        }
        self.drain(Duration::from_millis(300)).await
    }

    async fn close(self) {
        match self {
            Term::WebSocket { mut socket, .. } => {
                let _ = socket.as_mut().close(None).await;
            }
            Term::Raw { mut input, .. } => {
                let _ = input.write_all(b"exit\r").await;
                let _ = input.flush().await;
            }
        }
    }
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack
        .windows(needle.len())
        .any(|window| window == needle)
}

async fn open_websocket(url: &str) -> anyhow::Result<(Socket, Value)> {
    // As a browser does: no Nagle delay on keystrokes.
    let (mut socket, _) = tokio_tungstenite::connect_async_with_config(url, None, true)
        .await
        .map_err(|err| match err {
            tokio_tungstenite::tungstenite::Error::Http(response) => {
                let body = response.body().as_deref().unwrap_or_default();
                let body = String::from_utf8_lossy(body);
                anyhow!("the upgrade was refused: {}: {body}", response.status())
            }
            other => anyhow::Error::from(other),
        })?;
    let hello = tokio::time::timeout(OUTPUT_WITHIN, socket.next())
        .await
        .map_err(|_| anyhow!("no connected frame within {OUTPUT_WITHIN:?}"))?
        .ok_or_else(|| anyhow!("closed before the connected frame"))??;
    let hello: Value = match hello {
        Message::Text(text) => serde_json::from_str(text.as_str())?,
        other => bail!("expected the connected frame, got {other:?}"),
    };
    Ok((socket, hello))
}

// ---------------------------------------------------------------------------------------------
// 1. Keystroke round trips.

/// Round trips per terminal, in the order given, each sorted.
async fn keystrokes(terms: &mut [&mut Term]) -> anyhow::Result<Vec<Vec<Duration>>> {
    let mut samples = vec![Vec::with_capacity(SAMPLES); terms.len()];
    for round in 0..WARMUP + SAMPLES {
        if round % LINE_LENGTH == 0 {
            for term in terms.iter_mut() {
                term.send(b"\x15").await?;
                term.drain(Duration::from_millis(50)).await?;
            }
        }
        // Rotate who goes first, so neither side always follows the other.
        for turn in 0..terms.len() {
            let index = (round + turn) % terms.len();
            let elapsed = keystroke(terms[index]).await?;
            if round >= WARMUP {
                samples[index].push(elapsed);
            }
        }
    }
    for term in terms.iter_mut() {
        term.send(b"\x15").await?;
        term.drain(Duration::from_millis(100)).await?;
    }
    for series in &mut samples {
        series.sort();
    }
    Ok(samples)
}

async fn keystroke(term: &mut Term) -> anyhow::Result<Duration> {
    let started = Instant::now();
    term.send(b"a").await?;
    loop {
        let chunk = term.recv_within(Duration::from_secs(5)).await?;
        if chunk.contains(&b'a') {
            return Ok(started.elapsed());
        }
    }
}

// ---------------------------------------------------------------------------------------------
// 2. Throughput.

/// MB/s of the file per terminal, in the order given: every run's, sorted.
async fn cat_runs(terms: &mut [&mut Term]) -> anyhow::Result<Vec<Vec<f64>>> {
    let mut rates = vec![Vec::new(); terms.len()];
    for run in 0..CAT_RUNS {
        for turn in 0..terms.len() {
            let index = (run + turn) % terms.len();
            let (elapsed, received) = cat(terms[index]).await?;
            let rate = BIG_FILE_BYTES as f64 / 1e6 / elapsed.as_secs_f64();
            eprintln!(
                "    run {} {:<28} {:>7.1} MB/s ({received} bytes in {:.2} s)",
                run + 1,
                terms[index].label(),
                rate,
                elapsed.as_secs_f64()
            );
            rates[index].push(rate);
        }
    }
    for series in &mut rates {
        series.sort_by(f64::total_cmp);
    }
    Ok(rates)
}

/// Types the command, reads until the computed marker: the time, and the bytes received.
async fn cat(term: &mut Term) -> anyhow::Result<(Duration, u64)> {
    term.send(b"\x15").await?;
    term.drain(Duration::from_millis(200)).await?;
    let started = Instant::now();
    // The typed echo says END-$((40+2)); only the shell's answer says END-42.
    term.send(b"cat /tmp/big; echo END-$((40+2))\r").await?;
    let mut received = 0u64;
    let mut tail: Vec<u8> = Vec::new();
    loop {
        let chunk = term.recv_within(OUTPUT_WITHIN).await?;
        received += chunk.len() as u64;
        // Only the newest bytes are searched: the marker straddles at most two chunks.
        tail.extend_from_slice(&chunk[chunk.len().saturating_sub(256)..]);
        if contains(&tail, MARKER) {
            let elapsed = started.elapsed();
            term.drain(Duration::from_millis(200)).await?;
            ensure!(
                received >= BIG_FILE_BYTES,
                "{}: the marker came after only {received} bytes",
                term.label()
            );
            return Ok((elapsed, received));
        }
        let keep = tail.len().saturating_sub(MARKER.len());
        tail.drain(..keep);
    }
}

// ---------------------------------------------------------------------------------------------
// 3. Memory of idle terminals.

struct Memory {
    before: Sample,
    held: Sample,
    after_close: Sample,
    /// Terminals that got their prompt, and how many shells the server counted then.
    opened: usize,
    held_by_server: usize,
    /// Shells the server still held a while after every WebSocket closed.
    left_open: usize,
    failures: Vec<String>,
    open_time: Duration,
}

#[derive(Clone, Copy)]
struct Sample {
    rss_kb: u64,
    threads: u64,
    fds: usize,
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

    fn mb(&self) -> f64 {
        self.rss_kb as f64 / 1024.0
    }
}

async fn idle_terminals(server: &Server, base: &str, urls: &[String]) -> anyhow::Result<Memory> {
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
    let started = Instant::now();
    let opened: Vec<anyhow::Result<Socket>> = futures_util::stream::iter(0..IDLE_TERMINALS)
        .map(|index| open_idle(&urls[index % urls.len()]))
        .buffer_unordered(OPEN_CONCURRENCY)
        .collect()
        .await;
    let open_time = started.elapsed();
    let mut holders = Vec::new();
    let mut failures = Vec::new();
    for outcome in opened {
        match outcome {
            // Held by a task that keeps reading, so the server's pings are answered.
            Ok(socket) => holders.push(tokio::spawn(hold(socket, cancel.clone()))),
            Err(err) => failures.push(format!("{err:#}")),
        }
    }
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

// ---------------------------------------------------------------------------------------------
// The table.

fn report(echoes: &[Vec<Duration>], throughput: &[Vec<f64>], memory: &anyhow::Result<Memory>) {
    let labels = [
        "sandboxd terminal, binary",
        "sandboxd terminal, JSON",
        "raw docker exec attach",
    ];
    println!();
    println!("keystroke round trip, {SAMPLES} samples each, interleaved");
    println!("{:<34} {:>10} {:>10}", "", "p50", "p99");
    for (label, series) in labels.iter().zip(echoes) {
        println!(
            "{label:<34} {:>8.3}ms {:>8.3}ms",
            ms(percentile(series, 50)),
            ms(percentile(series, 99))
        );
    }
    let overhead =
        |index: usize, p: usize| ms(percentile(&echoes[index], p)) - ms(percentile(&echoes[2], p));
    println!(
        "{:<34} {:>8.3}ms {:>8.3}ms",
        "overhead, binary",
        overhead(0, 50),
        overhead(0, 99)
    );
    println!(
        "{:<34} {:>8.3}ms {:>8.3}ms",
        "overhead, JSON",
        overhead(1, 50),
        overhead(1, 99)
    );

    println!();
    println!("cat of a {BIG_FILE_BYTES}-byte file, MB/s of the file, {CAT_RUNS} runs each");
    println!("{:<34} {:>10} {:>10} {:>10}", "", "median", "min", "max");
    for (label, series) in labels.iter().zip(throughput) {
        println!(
            "{label:<34} {:>10.1} {:>10.1} {:>10.1}",
            median(series),
            series[0],
            series[series.len() - 1]
        );
    }
    let raw = median(&throughput[2]);
    let (binary, text) = (median(&throughput[0]) / raw, median(&throughput[1]) / raw);
    println!("{:<34} {:>9.0}%", "binary / raw", binary * 100.0);
    println!("{:<34} {:>9.0}%", "JSON / raw", text * 100.0);

    println!();
    let growth = match memory {
        Ok(memory) => Some(report_memory(memory)),
        Err(err) => {
            println!("idle terminals: the phase failed: {err:#}");
            None
        }
    };

    let p50 = overhead(0, 50);
    let line = |name: &str, target: &str, value: String, pass: bool| {
        let verdict = if pass { "PASS" } else { "MISS" };
        println!("{name:<38} {target:<14} {value:>12}   {verdict}");
    };
    println!();
    println!("{:<38} {:<14} {:>12}   result", "target", "", "measured");
    line(
        "keystroke overhead p50, binary",
        "<= 1 ms",
        format!("{p50:.3} ms"),
        p50 <= 1.0,
    );
    let p50_json = overhead(1, 50);
    line(
        "keystroke overhead p50, JSON",
        "<= 1 ms",
        format!("{p50_json:.3} ms"),
        p50_json <= 1.0,
    );
    line(
        "cat throughput, binary vs raw",
        ">= 80 %",
        format!("{:.0} %", binary * 100.0),
        binary >= 0.8,
    );
    line(
        "cat throughput, JSON vs raw",
        ">= 80 %",
        format!("{:.0} %", text * 100.0),
        text >= 0.8,
    );
    match (memory, growth) {
        (Ok(memory), Some(growth)) => line(
            &format!("RSS growth, {} idle terminals", memory.opened),
            "< 100 MB",
            format!("{growth:.1} MB"),
            growth < 100.0 && memory.opened == IDLE_TERMINALS,
        ),
        _ => line(
            &format!("RSS growth, {IDLE_TERMINALS} idle terminals"),
            "< 100 MB",
            "failed".into(),
            false,
        ),
    }
}

/// The figures for the report, as `report` printed them.
fn record(
    echoes: &[Vec<Duration>],
    throughput: &[Vec<f64>],
    memory: &anyhow::Result<Memory>,
) -> anyhow::Result<()> {
    use common::results::{Figure, Results};
    let mut results = Results::new(
        "terminal",
        "browser terminal against a raw docker exec attach to the same container",
    );
    let raw = |p: usize| ms(percentile(&echoes[2], p));
    for (index, mode) in [(0, "binary"), (1, "JSON")] {
        let p50 = ms(percentile(&echoes[index], 50));
        results.push(
            Figure::new(&format!("keystroke echo p50, {mode}"), "ms", p50)
                .against("raw exec attach", raw(50))
                .target("overhead <= 1 ms", p50 - raw(50) <= 1.0),
        );
        results.push(
            Figure::new(
                &format!("keystroke echo p99, {mode}"),
                "ms",
                ms(percentile(&echoes[index], 99)),
            )
            .against("raw exec attach", raw(99)),
        );
    }
    let raw_rate = median(&throughput[2]);
    for (index, mode) in [(0, "binary"), (1, "JSON")] {
        let rate = median(&throughput[index]);
        results.push(
            Figure::new(&format!("cat of 100 MB, {mode}"), "MB/s", rate)
                .against("raw exec attach", raw_rate)
                .target(">= 80 % of raw", rate >= 0.8 * raw_rate),
        );
    }
    let idle = match memory {
        Ok(m) => Figure::new(
            &format!("RSS growth, {IDLE_TERMINALS} idle terminals"),
            "MB",
            m.held.mb() - m.before.mb(),
        ),
        Err(_) => Figure::new(
            &format!("RSS growth, {IDLE_TERMINALS} idle terminals: failed"),
            "MB",
            0.0,
        ),
    };
    let met = memory
        .as_ref()
        .is_ok_and(|m| m.opened == IDLE_TERMINALS && m.held.mb() - m.before.mb() < 100.0);
    results.push(idle.target("< 100 MB", met));
    results.note(format!(
        "keystrokes: {SAMPLES} samples per side after {WARMUP} warm-up, interleaved; cat: \
         median of {CAT_RUNS} runs per side; the server is a separate sandboxd serve process"
    ));
    match memory {
        Ok(memory) => results.note(format!(
            "{} of {IDLE_TERMINALS} idle terminals opened over {IDLE_ENVIRONMENTS} environments; \
             server RSS {:.1} MB before, {:.1} MB holding them; {} still held 60 s after their \
             clients left",
            memory.opened,
            memory.before.mb(),
            memory.held.mb(),
            memory.left_open
        )),
        Err(err) => results.note(format!("the idle terminals phase failed: {err:#}")),
    }
    results.finish()
}

/// Prints the memory section; returns the growth in MB.
fn report_memory(memory: &Memory) -> f64 {
    println!(
        "server with {} idle terminals (of {IDLE_TERMINALS} asked for; opened in {:.1} s)",
        memory.opened,
        memory.open_time.as_secs_f64()
    );
    println!(
        "{:<34} {:>10} {:>10} {:>10}",
        "", "RSS MB", "threads", "open fds"
    );
    for (label, sample) in [
        ("before", memory.before),
        ("holding them", memory.held),
        ("after closing them", memory.after_close),
    ] {
        println!(
            "{label:<34} {:>10.1} {:>10} {:>10}",
            sample.mb(),
            sample.threads,
            sample.fds
        );
    }
    let growth = memory.held.mb() - memory.before.mb();
    println!(
        "{:<34} {:>10.1} ({:.1} KB per terminal)",
        "growth",
        growth,
        growth * 1024.0 / memory.opened.max(1) as f64
    );
    println!(
        "{:<34} {:>10}",
        "shells the server held", memory.held_by_server
    );
    println!(
        "{:<34} {:>10}",
        "shells left 60 s after closing", memory.left_open
    );
    if let Some(first) = memory.failures.first() {
        println!(
            "{} terminals failed to open; the first: {first}",
            memory.failures.len()
        );
        // With the engine's userns-remap every container's root is the same host uid, and
        // runc gives each exec a session keyring: that uid's kernel key quota caps how many
        // exec sessions (terminals among them) live at once, host-wide.
        let maxkeys = std::fs::read_to_string("/proc/sys/kernel/keys/maxkeys").unwrap_or_default();
        let maxbytes =
            std::fs::read_to_string("/proc/sys/kernel/keys/maxbytes").unwrap_or_default();
        println!(
            "note: kernel.keys.maxkeys={} maxbytes={}; if the engine's log says \"unable to \
             create session key: disk quota exceeded\", raise them (sysctl -w \
             kernel.keys.maxkeys=4000 kernel.keys.maxbytes=400000)",
            maxkeys.trim(),
            maxbytes.trim()
        );
    }
    growth
}

// ---------------------------------------------------------------------------------------------
// The engine, for the raw baseline.

async fn docker(host: &str) -> anyhow::Result<Docker> {
    let path = host.strip_prefix("unix://").unwrap_or(host);
    let docker = Docker::connect_with_unix(path, 120, API_DEFAULT_VERSION)?;
    Ok(docker.negotiate_version().await?)
}

/// Runs `command` to the end without a TTY; its output, or an error naming its exit code.
async fn run_exec(docker: &Docker, container: &str, command: &[&str]) -> anyhow::Result<String> {
    let created = docker
        .create_exec(
            container,
            CreateExecOptions {
                cmd: Some(command.iter().map(|arg| arg.to_string()).collect()),
                attach_stdout: Some(true),
                attach_stderr: Some(true),
                ..Default::default()
            },
        )
        .await?;
    let StartExecResults::Attached { mut output, .. } =
        docker.start_exec(&created.id, None).await?
    else {
        bail!("the engine detached the exec");
    };
    let mut text = String::new();
    while let Some(chunk) = output.next().await {
        text.push_str(&String::from_utf8_lossy(&chunk?.into_bytes()));
    }
    let inspected = docker.inspect_exec(&created.id).await?;
    ensure!(
        inspected.exit_code == Some(0),
        "{command:?} exited with {:?}: {text}",
        inspected.exit_code
    );
    Ok(text)
}
