//! `snapshot` (save, list, delete) and `fork`.

use std::process::ExitCode;

use reqwest::Method;
use serde_json::{json, Value};

use super::environment_path;
use super::output::{self, field, Format};
use crate::client::{segment, ApiClient, ClientError};

#[derive(Debug, clap::Args)]
pub struct SnapshotArgs {
    /// The environment to save (omit with --list or --delete)
    pub name: Option<String>,
    /// The snapshot's name
    #[arg(long = "as", value_name = "SNAPSHOT")]
    pub snapshot_name: Option<String>,
    /// List your snapshots
    #[arg(long, conflicts_with_all = ["name", "delete"])]
    pub list: bool,
    /// Delete a snapshot (its id or name)
    #[arg(long, value_name = "SNAPSHOT", conflicts_with = "name")]
    pub delete: Option<String>,
}

#[derive(Debug, clap::Args)]
pub struct ForkArgs {
    pub name: String,
    /// The new environment's name
    #[arg(long = "as", value_name = "NAME")]
    pub new_name: Option<String>,
}

pub async fn snapshot(
    client: &ApiClient,
    args: SnapshotArgs,
    format: Format,
) -> Result<ExitCode, ClientError> {
    if args.list {
        let listed: Value = client.get("/api/snapshots").await?;
        if format.is_json() {
            output::print_json(&listed);
        } else {
            let rows: Vec<Vec<String>> = listed["snapshots"]
                .as_array()
                .map(Vec::as_slice)
                .unwrap_or_default()
                .iter()
                .map(|s| {
                    ["name", "container_name", "size_bytes", "node", "created_at"]
                        .iter()
                        .map(|k| field(s, k))
                        .collect()
                })
                .collect();
            output::print_table(&["NAME", "FROM", "BYTES", "NODE", "CREATED"], &rows);
        }
        return super::done();
    }
    if let Some(snapshot) = args.delete {
        client
            .call(
                Method::DELETE,
                &format!("/api/snapshots/{}", segment(&snapshot)),
            )
            .await?;
        match format {
            Format::Json => output::print_json(&json!({ "deleted": snapshot })),
            Format::Text => println!("{snapshot}"),
        }
        return super::done();
    }
    let Some(name) = args.name else {
        return Err(ClientError::Usage(
            "name the environment to save, or use --list".into(),
        ));
    };
    let mut body = json!({});
    if let Some(snapshot_name) = args.snapshot_name {
        body["name"] = json!(snapshot_name);
    }
    let path = format!("{}/snapshots", environment_path(&name));
    let saved: Value = client.post(&path, &body).await?;
    match format {
        Format::Json => output::print_json(&saved),
        Format::Text => println!(
            "{} ({} bytes)",
            field(&saved, "name"),
            field(&saved, "size_bytes")
        ),
    }
    super::done()
}

pub async fn fork(
    client: &ApiClient,
    args: ForkArgs,
    format: Format,
) -> Result<ExitCode, ClientError> {
    let mut body = json!({});
    if let Some(new_name) = args.new_name {
        body["name"] = json!(new_name);
    }
    let path = format!("{}/fork", environment_path(&args.name));
    let forked: Value = client.post(&path, &body).await?;
    match format {
        Format::Json => output::print_json(&forked),
        Format::Text => println!("{}", field(&forked, "name")),
    }
    super::done()
}
