//! The tools an agent may call, each with the JSON Schema of its input. A tool's failure
//! (the API's error) is its result with `isError`, as the protocol asks, so the agent sees
//! the message and code and can act on them.

use std::time::Duration;

use base64::Engine;
use reqwest::Method;
use serde_json::{json, Value};

use crate::cli::create::image_fields;
use crate::cli::progress::{self, StageDisplay};
use crate::client::{segment, ApiClient, ClientError};

/// How long `create_environment` waits for ready.
const READY_WITHIN: Duration = Duration::from_secs(300);

pub fn catalogue() -> Value {
    let environment = json!({ "type": "string", "description": "The environment's name or id" });
    json!([
        {
            "name": "create_environment",
            "description": "Create a sandboxed Linux environment and wait until it is ready. Returns it (name, id, status, resources).",
            "inputSchema": { "type": "object", "properties": {
                "image": { "type": "string", "description": "Image, e.g. debian:bookworm (the default)" },
                "role": { "type": "string", "description": "barebone, python, node, ... (tools preinstalled)" },
                "name": { "type": "string", "description": "A name; one is made up if omitted" },
                "memory_mb": { "type": "integer", "minimum": 64 },
            }},
        },
        {
            "name": "list_environments",
            "description": "List your environments with their status.",
            "inputSchema": { "type": "object", "properties": {} },
        },
        {
            "name": "run_command",
            "description": "Run a shell command (sh -c) in an environment and return its stdout, stderr and exit code.",
            "inputSchema": { "type": "object", "required": ["environment", "command"], "properties": {
                "environment": environment,
                "command": { "type": "string", "description": "Run by sh -c" },
                "working_dir": { "type": "string", "description": "Absolute directory to run in" },
                "timeout": { "type": "integer", "minimum": 1, "maximum": 600, "description": "Seconds (default 30)" },
            }},
        },
        {
            "name": "read_file",
            "description": "Read a file of an environment. Text comes back as text, anything else as base64.",
            "inputSchema": { "type": "object", "required": ["environment", "path"], "properties": {
                "environment": environment,
                "path": { "type": "string", "description": "Absolute path" },
            }},
        },
        {
            "name": "write_file",
            "description": "Write a file in an environment (parents made), replacing it if it exists.",
            "inputSchema": { "type": "object", "required": ["environment", "path", "content"], "properties": {
                "environment": environment,
                "path": { "type": "string", "description": "Absolute path" },
                "content": { "type": "string" },
                "base64": { "type": "boolean", "description": "content is base64 (binary files)" },
            }},
        },
        {
            "name": "open_preview",
            "description": "A signed link that opens what the environment serves on a TCP port in a browser.",
            "inputSchema": { "type": "object", "required": ["environment", "port"], "properties": {
                "environment": environment,
                "port": { "type": "integer", "minimum": 1, "maximum": 65535 },
            }},
        },
        {
            "name": "delete_environment",
            "description": "Delete an environment and everything in it.",
            "inputSchema": { "type": "object", "required": ["environment"], "properties": {
                "environment": environment,
            }},
        },
    ])
}

/// A tool's result, or `None` for a tool that does not exist.
pub async fn call(client: &ApiClient, name: &str, arguments: &Value) -> Option<Value> {
    let outcome = match name {
        "create_environment" => create(client, arguments).await,
        "list_environments" => client.get::<Value>("/api/containers").await,
        "run_command" => run(client, arguments).await,
        "read_file" => read(client, arguments).await,
        "write_file" => write(client, arguments).await,
        "open_preview" => preview(client, arguments).await,
        "delete_environment" => delete(client, arguments).await,
        _ => return None,
    };
    Some(match outcome {
        Ok(value) => json!({
            "content": [{ "type": "text", "text": text_of(&value) }],
            "structuredContent": value,
            "isError": false,
        }),
        Err(err) => json!({
            "content": [{ "type": "text", "text": format!("{err}") }],
            "isError": true,
        }),
    })
}

fn text_of(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        other => serde_json::to_string_pretty(other).expect("a JSON value serialises"),
    }
}

fn required<'a>(arguments: &'a Value, key: &str) -> Result<&'a str, ClientError> {
    arguments[key]
        .as_str()
        .filter(|text| !text.is_empty())
        .ok_or_else(|| ClientError::Usage(format!("`{key}` is required (a string)")))
}

/// The API path of the environment the arguments name.
fn environment(arguments: &Value) -> Result<String, ClientError> {
    required(arguments, "environment").map(|name| format!("/api/containers/{}", segment(name)))
}

async fn delete(client: &ApiClient, arguments: &Value) -> Result<Value, ClientError> {
    client
        .call(Method::DELETE, &environment(arguments)?)
        .await?;
    Ok(json!({ "deleted": arguments["environment"] }))
}

async fn create(client: &ApiClient, arguments: &Value) -> Result<Value, ClientError> {
    let image = arguments["image"].as_str().unwrap_or("debian:bookworm");
    let mut body = json!({});
    for (key, value) in image_fields(image) {
        body[key] = value;
    }
    for key in ["role", "name", "memory_mb"] {
        if !arguments[key].is_null() {
            body[key] = arguments[key].clone();
        }
    }
    let created: Value = client.post("/api/containers", &body).await?;
    let id = created["id"].as_str().unwrap_or_default();
    // Nothing is shown: stdout is the protocol's.
    let mut quiet = StageDisplay::new(id, true);
    progress::follow(client, id, None, &mut quiet, READY_WITHIN).await
}

async fn run(client: &ApiClient, arguments: &Value) -> Result<Value, ClientError> {
    let path = environment(arguments)?;
    let command = required(arguments, "command")?;
    let body = json!({
        "command": ["sh", "-c", command],
        "working_dir": arguments["working_dir"],
        "timeout": arguments["timeout"],
    });
    let job: Value = client.post(&format!("{path}/exec"), &body).await?;
    let result = &job["results"][0];
    Ok(json!({
        "exit_code": result["exit_code"],
        "stdout": result["stdout"],
        "stderr": result["stderr"],
        "error": result["error"],
    }))
}

async fn read(client: &ApiClient, arguments: &Value) -> Result<Value, ClientError> {
    let path = environment(arguments)?;
    let file = required(arguments, "path")?;
    let url = format!("{path}/files?path={}", segment(file));
    let response = client.send(client.request(Method::GET, &url)).await?;
    let bytes = response.bytes().await.map_err(ClientError::transport)?;
    Ok(match String::from_utf8(bytes.to_vec()) {
        Ok(text) => json!({ "path": file, "content": text, "base64": false }),
        Err(_) => json!({
            "path": file,
            "content": base64::engine::general_purpose::STANDARD.encode(&bytes),
            "base64": true,
        }),
    })
}

async fn write(client: &ApiClient, arguments: &Value) -> Result<Value, ClientError> {
    let path = environment(arguments)?;
    let file = required(arguments, "path")?;
    let content = arguments["content"]
        .as_str()
        .ok_or_else(|| ClientError::Usage("`content` is required (a string)".into()))?;
    let bytes = match arguments["base64"].as_bool().unwrap_or(false) {
        true => base64::engine::general_purpose::STANDARD
            .decode(content)
            .map_err(|err| ClientError::Usage(format!("`content` is not base64: {err}")))?,
        false => content.as_bytes().to_vec(),
    };
    let url = format!("{path}/files?path={}", segment(file));
    let request = client
        .request(Method::POST, &url)
        .header("Content-Type", "application/octet-stream")
        .body(bytes);
    client.json(request).await
}

async fn preview(client: &ApiClient, arguments: &Value) -> Result<Value, ClientError> {
    let path = environment(arguments)?;
    let port = arguments["port"]
        .as_u64()
        .filter(|port| (1..=65535).contains(port))
        .ok_or_else(|| ClientError::Usage("`port` must be 1-65535".into()))?;
    client
        .call(Method::POST, &format!("{path}/ports/{port}/link"))
        .await
}
