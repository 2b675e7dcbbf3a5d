//! `shell NAME`: the local terminal attached to a shell in the environment, resized with the
//! window, reconnecting to the same session (and its replay) when the connection drops.

use std::io::{Read, Write};
use std::process::ExitCode;
use std::time::Duration;

use bytes::Bytes;
use serde_json::{json, Value};
use tokio::signal::unix::{signal, SignalKind};
use tokio::sync::mpsc;

use super::raw_terminal::{self, RawTerminal};
use crate::client::{segment, ApiClient, ClientError, Socket, SocketMessage};

/// Reconnects tried after a drop before giving up, with a growing pause between them.
const RECONNECTS: u32 = 6;

#[derive(Debug, clap::Args)]
pub struct ShellArgs {
    pub name: String,
    /// Attach to this session (letters, digits, - and _) instead of a new one
    #[arg(long)]
    pub session: Option<String>,
}

/// How one connection ended.
enum End {
    Exited(Option<i64>),
    Dropped,
    Interrupted,
}

pub async fn shell(client: &ApiClient, args: ShellArgs) -> Result<ExitCode, ClientError> {
    let session = args
        .session
        .unwrap_or_else(|| format!("cli-{}", &uuid::Uuid::new_v4().simple().to_string()[..12]));
    let mut socket = connect(client, &args.name, &session).await?;
    let terminal = RawTerminal::enter()
        .map_err(|err| ClientError::Usage(format!("could not set up the terminal: {err}")))?;
    let mut keys = keystrokes();
    let mut input_open = true;
    let mut attempt = 0;
    loop {
        match attach(&mut socket, &mut keys, &mut input_open).await? {
            End::Exited(code) => {
                drop(terminal);
                return Ok(exit_code(code));
            }
            End::Interrupted => return Ok(ExitCode::from(130)),
            End::Dropped if attempt < RECONNECTS => {
                attempt += 1;
                terminal.note("connection lost; reconnecting");
                tokio::time::sleep(Duration::from_millis(250 * u64::from(attempt))).await;
                match connect(client, &args.name, &session).await {
                    Ok(again) => {
                        attempt = 0;
                        socket = again;
                    }
                    Err(err) => terminal.note(&format!("reconnect failed: {err}")),
                }
            }
            End::Dropped => {
                terminal.note("connection lost");
                return Ok(ExitCode::FAILURE);
            }
        }
    }
}

async fn connect(client: &ApiClient, name: &str, session: &str) -> Result<Socket, ClientError> {
    let (cols, rows) = raw_terminal::size();
    let path = format!(
        "/ws/terminal/{}?mode=binary&session={}&cols={cols}&rows={rows}",
        segment(name),
        segment(session)
    );
    client.socket(&path).await
}

/// Passes keystrokes in and output out until the shell exits or the connection drops.
async fn attach(
    socket: &mut Socket,
    keys: &mut mpsc::Receiver<Bytes>,
    input_open: &mut bool,
) -> Result<End, ClientError> {
    let mut resized = signal(SignalKind::window_change()).map_err(signal_failed)?;
    let mut hung_up = signal(SignalKind::hangup()).map_err(signal_failed)?;
    let mut terminated = signal(SignalKind::terminate()).map_err(signal_failed)?;
    let mut stdout = std::io::stdout();
    loop {
        tokio::select! {
            message = socket.next() => match message {
                Some(Ok(SocketMessage::Binary(bytes))) => {
                    stdout.write_all(&bytes).ok();
                    stdout.flush().ok();
                }
                Some(Ok(SocketMessage::Text(text))) => {
                    let frame: Value = serde_json::from_str(&text).unwrap_or_default();
                    match frame["type"].as_str().unwrap_or_default() {
                        "exit" => return Ok(End::Exited(frame["code"].as_i64())),
                        "error" if frame["code"] == "TERMINAL_LOST" => return Ok(End::Dropped),
                        "error" => {
                            let code = frame["code"].as_str().unwrap_or("TERMINAL_ERROR");
                            let message = frame["data"].as_str().unwrap_or("terminal error");
                            return Err(ClientError::refused(code, message));
                        }
                        _ => {}
                    }
                }
                Some(Err(_)) | None => return Ok(End::Dropped),
            },
            key = keys.recv(), if *input_open => match key {
                Some(bytes) => if socket.send_binary(bytes).await.is_err() {
                    return Ok(End::Dropped);
                },
                // Local input ended (a pipe): the shell gets end-of-input, as a terminal would.
                None => {
                    *input_open = false;
                    let _ = socket.send_binary(Bytes::from_static(b"\x04")).await;
                }
            },
            _ = resized.recv() => {
                let (cols, rows) = raw_terminal::size();
                let frame = json!({ "type": "resize", "cols": cols, "rows": rows });
                if socket.send_text(frame.to_string()).await.is_err() {
                    return Ok(End::Dropped);
                }
            }
            _ = hung_up.recv() => return Ok(End::Interrupted),
            _ = terminated.recv() => return Ok(End::Interrupted),
        }
    }
}

/// Stdin read on a thread of its own: a read that never returns must not keep the process
/// from exiting, as it would on the runtime's blocking pool.
fn keystrokes() -> mpsc::Receiver<Bytes> {
    let (sender, receiver) = mpsc::channel(64);
    std::thread::spawn(move || {
        let mut stdin = std::io::stdin();
        let mut buffer = [0u8; 4096];
        loop {
            match stdin.read(&mut buffer) {
                Ok(0) | Err(_) => return,
                Ok(n) => {
                    if sender
                        .blocking_send(Bytes::copy_from_slice(&buffer[..n]))
                        .is_err()
                    {
                        return;
                    }
                }
            }
        }
    });
    receiver
}

fn signal_failed(err: std::io::Error) -> ClientError {
    ClientError::Usage(format!("could not watch signals: {err}"))
}

fn exit_code(code: Option<i64>) -> ExitCode {
    match code.map(u8::try_from) {
        Some(Ok(code)) => ExitCode::from(code),
        Some(Err(_)) | None => ExitCode::SUCCESS,
    }
}
