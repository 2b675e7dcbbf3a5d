//! `ls`, `inspect`, `start|stop|restart|pause|resume`, `rm`, `stats`.

use std::process::ExitCode;
use std::time::{Duration, Instant};

use reqwest::Method;
use serde_json::{json, Value};

use super::environment_path;
use super::output::{self, field, Format};
use crate::client::{segment, ApiClient, ClientError};

/// How long a start, stop or restart may take before the command gives up waiting.
const SETTLE_WITHIN: Duration = Duration::from_secs(120);

#[derive(Debug, clap::Args)]
pub struct ListArgs {
    /// Only environments with this label, key=value
    #[arg(long)]
    pub label: Option<String>,
    /// Only environments in this status
    #[arg(long)]
    pub status: Option<String>,
}

pub async fn list(
    client: &ApiClient,
    args: ListArgs,
    format: Format,
) -> Result<ExitCode, ClientError> {
    let mut path = "/api/containers".to_string();
    let filters: Vec<String> = [("label", &args.label), ("status", &args.status)]
        .into_iter()
        .filter_map(|(key, value)| value.as_ref().map(|v| format!("{key}={}", segment(v))))
        .collect();
    if !filters.is_empty() {
        path = format!("{path}?{}", filters.join("&"));
    }
    let listed: Value = client.get(&path).await?;
    if format.is_json() {
        output::print_json(&listed);
        return super::done();
    }
    let rows: Vec<Vec<String>> = listed["containers"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default()
        .iter()
        .map(|environment| {
            ["name", "status", "image", "role", "node", "created_at"]
                .iter()
                .map(|key| field(environment, key))
                .collect()
        })
        .collect();
    output::print_table(
        &["NAME", "STATUS", "IMAGE", "ROLE", "NODE", "CREATED"],
        &rows,
    );
    super::done()
}

pub async fn inspect(
    client: &ApiClient,
    name: &str,
    format: Format,
) -> Result<ExitCode, ClientError> {
    let environment: Value = client.get(&environment_path(name)).await?;
    match format {
        Format::Json => output::print_json(&environment),
        Format::Text => {
            for key in [
                "name",
                "id",
                "status",
                "stage",
                "image",
                "role",
                "node",
                "created_at",
                "expires_at",
            ] {
                println!("{key:<11} {}", field(&environment, key));
            }
            let resources = &environment["resources"];
            println!(
                "{:<11} {} MB memory, {} CPU shares, {} MB disk",
                "resources",
                field(resources, "memory_mb"),
                field(resources, "cpu_shares"),
                field(resources, "disk_mb")
            );
        }
    }
    super::done()
}

/// One lifecycle action on each environment named; every one is tried, and the command fails
/// if any did.
pub async fn act(
    client: &ApiClient,
    action: &str,
    names: &[String],
    format: Format,
) -> Result<ExitCode, ClientError> {
    each(names, format, |name| async move {
        let path = format!("{}/{action}", environment_path(&name));
        client.call(Method::POST, &path).await?;
        settled(client, &name, action).await
    })
    .await
}

/// Starts, stops and restarts finish after the API's answer: like `docker stop`, the command
/// returns once the environment is there (or has failed), not when the request is accepted.
async fn settled(client: &ApiClient, name: &str, action: &str) -> Result<Value, ClientError> {
    let wanted = match action {
        "stop" => "stopped",
        "pause" => "paused",
        _ => "running",
    };
    let deadline = Instant::now() + SETTLE_WITHIN;
    loop {
        let environment: Value = client.get(&environment_path(name)).await?;
        let status = environment["status"].as_str().unwrap_or_default();
        let busy = environment["stage"] != "ready" && environment["stage"] != "error";
        if status == wanted && !(wanted == "running" && busy) {
            return Ok(environment);
        }
        if status == "error" || Instant::now() > deadline {
            let message = format!("{name} is {status}, not {wanted}");
            return Err(ClientError::refused("NOT_SETTLED", &message));
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

pub async fn remove(
    client: &ApiClient,
    names: &[String],
    format: Format,
) -> Result<ExitCode, ClientError> {
    each(names, format, |name| async move {
        client.call(Method::DELETE, &environment_path(&name)).await
    })
    .await
}

async fn each<F, Fut>(names: &[String], format: Format, call: F) -> Result<ExitCode, ClientError>
where
    F: Fn(String) -> Fut,
    Fut: std::future::Future<Output = Result<Value, ClientError>>,
{
    if names.is_empty() {
        return Err(ClientError::Usage("name at least one environment".into()));
    }
    let mut failed = false;
    let mut results = Vec::new();
    for name in names {
        match call(name.clone()).await {
            Ok(answer) => {
                if !format.is_json() {
                    println!("{name}");
                }
                results.push(json!({ "name": name, "ok": true, "result": answer }));
            }
            Err(err) => {
                failed = true;
                if !format.is_json() {
                    eprintln!("sandboxd: {name}: {err}");
                }
                results.push(json!({ "name": name, "ok": false, "error": err.to_string(), "code": err.code() }));
            }
        }
    }
    if format.is_json() {
        output::print_json(&Value::Array(results));
    }
    Ok(if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

pub async fn stats(
    client: &ApiClient,
    name: Option<&str>,
    format: Format,
) -> Result<ExitCode, ClientError> {
    let path = match name {
        Some(name) => format!("{}/stats", environment_path(name)),
        None => "/api/containers/stats".to_string(),
    };
    let answer: Value = client.get(&path).await?;
    if format.is_json() {
        output::print_json(&answer);
        return super::done();
    }
    let samples = match answer.get("containers").and_then(Value::as_array) {
        Some(all) => all.clone(),
        None => vec![answer],
    };
    // Samples name environments by id; people know them by name.
    let listed: Value = client.get("/api/containers").await?;
    let names: std::collections::HashMap<&str, &str> = listed["containers"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default()
        .iter()
        .filter_map(|e| Some((e["id"].as_str()?, e["name"].as_str()?)))
        .collect();
    let rows: Vec<Vec<String>> = samples
        .iter()
        .map(|sample| {
            vec![
                sample["containerId"]
                    .as_str()
                    .map(|id| names.get(id).copied().unwrap_or(id))
                    .unwrap_or("-")
                    .to_string(),
                field(sample, "status"),
                format!("{:.1}%", sample["cpu"]["usage"].as_f64().unwrap_or(0.0)),
                mebibytes(&sample["memory"]["used"]),
                mebibytes(&sample["memory"]["limit"]),
            ]
        })
        .collect();
    output::print_table(&["NAME", "STATUS", "CPU", "MEMORY", "LIMIT"], &rows);
    super::done()
}

fn mebibytes(bytes: &Value) -> String {
    bytes
        .as_f64()
        .map(|bytes| format!("{:.1} MiB", bytes / 1_048_576.0))
        .unwrap_or_else(|| "-".into())
}
