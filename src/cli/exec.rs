//! `exec NAME -- CMD...`: output streamed as it is printed; the command's exit code becomes
//! this one's.

use std::io::Write;
use std::process::ExitCode;

use futures_util::StreamExt;
use reqwest::Method;
use serde_json::{json, Value};

use super::environment_path;
use super::output::Format;
use crate::client::{ApiClient, ClientError};

#[derive(Debug, clap::Args)]
#[command(trailing_var_arg = true)]
pub struct ExecArgs {
    pub name: String,
    /// Variables for the command, KEY=VALUE (repeatable)
    #[arg(long = "env", short = 'e', value_name = "KEY=VALUE")]
    pub env: Vec<String>,
    /// The directory to run in (absolute)
    #[arg(long, short = 'w')]
    pub workdir: Option<String>,
    /// Kill the command after this many seconds
    #[arg(long)]
    pub timeout: Option<u64>,
    /// The program and its arguments, after `--`
    #[arg(required = true, allow_hyphen_values = true)]
    pub command: Vec<String>,
}

pub async fn exec(
    client: &ApiClient,
    args: ExecArgs,
    format: Format,
) -> Result<ExitCode, ClientError> {
    let body = json!({
        "command": args.command,
        "env": args.env,
        "working_dir": args.workdir,
        "timeout": args.timeout,
    });
    let path = format!("{}/exec/stream", environment_path(&args.name));
    let response = client
        .send(client.request(Method::POST, &path).json(&body))
        .await?;
    let mut chunks = response.bytes_stream();
    let mut pending: Vec<u8> = Vec::new();
    let (mut stdout, mut stderr) = (std::io::stdout(), std::io::stderr());
    while let Some(chunk) = chunks.next().await {
        pending.extend_from_slice(&chunk.map_err(ClientError::transport)?);
        while let Some(end) = pending.iter().position(|&byte| byte == b'\n') {
            let line: Vec<u8> = pending.drain(..=end).collect();
            if format.is_json() {
                stdout.write_all(&line).ok();
            }
            let event: Value = serde_json::from_slice(&line)
                .map_err(|err| ClientError::Transport(format!("not an exec event: {err}")))?;
            let data = event["data"].as_str().unwrap_or_default().as_bytes();
            match event["type"].as_str().unwrap_or_default() {
                "stdout" if !format.is_json() => {
                    stdout.write_all(data).ok();
                    stdout.flush().ok();
                }
                "stderr" if !format.is_json() => {
                    stderr.write_all(data).ok();
                }
                "exit" => {
                    stdout.flush().ok();
                    return Ok(exit_code(event["exit_code"].as_i64().unwrap_or(1)));
                }
                "error" => {
                    let message = event["error"].as_str().unwrap_or("the command failed");
                    return Err(ClientError::refused("EXEC_FAILED", message));
                }
                _ => {}
            }
        }
    }
    Err(ClientError::Transport(
        "the connection ended before the command's exit code".into(),
    ))
}

/// A shell's view of an exit status: 0-255, anything else as failure.
fn exit_code(code: i64) -> ExitCode {
    match u8::try_from(code) {
        Ok(code) => ExitCode::from(code),
        Err(_) => ExitCode::FAILURE,
    }
}
