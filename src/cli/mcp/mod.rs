//! `sandboxd mcp`: the Model Context Protocol on stdio (JSON-RPC 2.0, one message per line),
//! so an agent can create environments, run commands, read and write files and open
//! previews, with the API token it was given. Only the protocol's server side for tools is
//! needed (initialize, ping, tools/list, tools/call), small enough to keep here rather than
//! take a framework and its schema macros for it.

mod tools;

use std::process::ExitCode;

use serde_json::{json, Value};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};

use crate::client::{ApiClient, ClientError};

/// The protocol revision this server speaks; a client asking for another gets this one.
const PROTOCOL_VERSION: &str = "2025-06-18";

pub async fn serve(client: ApiClient) -> Result<ExitCode, ClientError> {
    let mut lines = BufReader::new(tokio::io::stdin()).lines();
    let mut stdout = tokio::io::stdout();
    let io = |err: std::io::Error| ClientError::Transport(format!("stdio: {err}"));
    while let Some(line) = lines.next_line().await.map_err(io)? {
        if line.trim().is_empty() {
            continue;
        }
        let Some(answer) = answer(&client, &line).await else {
            continue;
        };
        let mut text = answer.to_string();
        text.push('\n');
        stdout.write_all(text.as_bytes()).await.map_err(io)?;
        stdout.flush().await.map_err(io)?;
    }
    Ok(ExitCode::SUCCESS)
}

/// The answer to one message; notifications get none.
pub async fn answer(client: &ApiClient, line: &str) -> Option<Value> {
    let message: Value = match serde_json::from_str(line) {
        Ok(message) => message,
        Err(err) => return Some(failure(Value::Null, -32700, &format!("parse error: {err}"))),
    };
    let id = message.get("id").cloned();
    let method = message["method"].as_str().unwrap_or_default();
    let params = message.get("params").cloned().unwrap_or(json!({}));
    // A message without an id is a notification: nothing is sent back.
    let id = id?;
    let result = match method {
        "initialize" => Ok(json!({
            "protocolVersion": PROTOCOL_VERSION,
            "capabilities": { "tools": { "listChanged": false } },
            "serverInfo": { "name": "sandboxd", "version": env!("CARGO_PKG_VERSION") },
            "instructions": "Sandboxed Linux environments: create one, run commands in it, move files, open previews of what it serves, delete it when done.",
        })),
        "ping" => Ok(json!({})),
        "tools/list" => Ok(json!({ "tools": tools::catalogue() })),
        "tools/call" => {
            let name = params["name"].as_str().unwrap_or_default();
            let arguments = params.get("arguments").cloned().unwrap_or(json!({}));
            match tools::call(client, name, &arguments).await {
                Some(outcome) => Ok(outcome),
                None => Err((-32602, format!("unknown tool {name:?}"))),
            }
        }
        other => Err((-32601, format!("method not found: {other}"))),
    };
    Some(match result {
        Ok(result) => json!({ "jsonrpc": "2.0", "id": id, "result": result }),
        Err((code, message)) => failure(id, code, &message),
    })
}

fn failure(id: Value, code: i64, message: &str) -> Value {
    json!({ "jsonrpc": "2.0", "id": id, "error": { "code": code, "message": message } })
}
