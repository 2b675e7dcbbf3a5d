//! `logs [-f]`: an environment's output, through the events socket's log subscriptions.

use std::io::Write;
use std::process::ExitCode;

use serde_json::{json, Value};

use super::output::Format;
use crate::client::{ApiClient, ClientError, SocketMessage};

#[derive(Debug, clap::Args)]
pub struct LogsArgs {
    pub name: String,
    /// Keep printing new output until the environment stops
    #[arg(long, short)]
    pub follow: bool,
    /// Lines from the end to start with (at most 1000)
    #[arg(long, default_value_t = 100)]
    pub tail: u32,
    /// Prefix each line with its time
    #[arg(long, short)]
    pub timestamps: bool,
}

pub async fn logs(
    client: &ApiClient,
    args: LogsArgs,
    format: Format,
) -> Result<ExitCode, ClientError> {
    let mut socket = client.socket("/ws/events").await?;
    let subscribe = json!({
        "type": "container.logs.subscribe",
        "data": {
            "containerId": args.name,
            "tail": args.tail,
            "follow": args.follow,
            "timestamps": args.timestamps,
        },
    });
    socket.send_text(subscribe.to_string()).await?;
    while let Some(message) = socket.next().await {
        let SocketMessage::Text(text) = message? else {
            continue;
        };
        let frame: Value = serde_json::from_str(&text).unwrap_or_default();
        let data = &frame["data"];
        match frame["type"].as_str().unwrap_or_default() {
            "container.logs" if format.is_json() => println!("{text}"),
            "container.logs" => {
                let line = data["message"].as_str().unwrap_or_default();
                if data["stream"] == "stderr" {
                    eprintln!("{line}");
                } else {
                    println!("{line}");
                }
            }
            "container.logs.ended" => break,
            "container.logs.error" => {
                return Err(ClientError::refused(
                    data["error"].as_str().unwrap_or("CONTAINER_LOGS_FAILED"),
                    data["message"].as_str().unwrap_or("logs failed"),
                ))
            }
            _ => {}
        }
    }
    let _ = std::io::stdout().flush();
    socket.close().await;
    super::done()
}
