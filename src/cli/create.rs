//! `create`: an environment, its stages shown live with `--wait`.

use std::process::ExitCode;
use std::time::Duration;

use serde_json::{json, Map, Value};

use super::output::{self, Format};
use super::progress::{self, StageDisplay};
use crate::client::{ApiClient, ClientError};

#[derive(Debug, clap::Args)]
pub struct CreateArgs {
    /// A catalogue image (see the server's /api/images), or a registry reference such as
    /// registry.example/team/image:tag where the tier allows custom images
    #[arg(long, default_value = "debian:bookworm")]
    pub image: String,
    /// The role: barebone, python, node, ...
    #[arg(long)]
    pub role: Option<String>,
    /// Its name (else one is made up)
    #[arg(long)]
    pub name: Option<String>,
    /// Memory in MB
    #[arg(long)]
    pub memory: Option<i64>,
    /// CPU shares
    #[arg(long)]
    pub cpu: Option<i64>,
    /// Disk in MB
    #[arg(long)]
    pub disk: Option<i64>,
    /// The node to place it on
    #[arg(long)]
    pub node: Option<String>,
    /// Start from a snapshot (its id or name) instead of an image
    #[arg(long, value_name = "SNAPSHOT")]
    pub from_snapshot: Option<String>,
    /// Variables for every shell and command, KEY=VALUE (repeatable)
    #[arg(long = "env", short = 'e', value_name = "KEY=VALUE")]
    pub env: Vec<String>,
    /// Keep shells in a tmux session that outlives the terminal
    #[arg(long)]
    pub tmux: bool,
    /// A plain shell: no prompt theme, plugins or stats line
    #[arg(long)]
    pub plain_shell: bool,
    /// Wait until it is ready, showing each stage
    #[arg(long)]
    pub wait: bool,
    /// How long --wait waits, in seconds
    #[arg(long, default_value_t = 600)]
    pub timeout: u64,
}

impl CreateArgs {
    fn body(&self) -> Value {
        let mut body = Map::new();
        let mut put = |key: &str, value: Value| {
            if !value.is_null() {
                body.insert(key.to_string(), value);
            }
        };
        match &self.from_snapshot {
            Some(snapshot) => {
                put("image", json!("snapshot"));
                put("snapshot", json!(snapshot));
            }
            None => {
                for (key, value) in image_fields(&self.image) {
                    put(key, value);
                }
            }
        }
        if self.tmux || self.plain_shell {
            put(
                "shell",
                json!({ "use_tmux": self.tmux, "enhanced": !self.plain_shell }),
            );
        }
        put("role", json!(self.role));
        put("name", json!(self.name));
        put("memory_mb", json!(self.memory));
        put("cpu_shares", json!(self.cpu));
        put("disk_mb", json!(self.disk));
        put("node", json!(self.node));
        if !self.env.is_empty() {
            put("env", json!(self.env));
        }
        Value::Object(body)
    }
}

pub async fn create(
    client: &ApiClient,
    args: CreateArgs,
    format: Format,
) -> Result<ExitCode, ClientError> {
    // Listening before the create is sent, so its first stages are not missed.
    let events = match args.wait {
        true => client.socket("/ws/events").await.ok(),
        false => None,
    };
    let created: Value = client.post("/api/containers", &args.body()).await?;
    let id = created["id"].as_str().unwrap_or_default().to_string();
    let name = created["name"].as_str().unwrap_or(&id).to_string();
    if !args.wait {
        match format.is_json() {
            true => output::print_json(&created),
            false => println!("{name}"),
        }
        return super::done();
    }
    let mut display = StageDisplay::new(&name, format.is_json());
    let timeout = Duration::from_secs(args.timeout);
    let environment = progress::follow(client, &id, events, &mut display, timeout).await?;
    match format.is_json() {
        true => output::print_json(&environment),
        false => println!("{name}"),
    }
    super::done()
}

/// How a create names `image`: a catalogue name as it is, anything with a registry or a path
/// as a custom image.
pub(super) fn image_fields(image: &str) -> Vec<(&'static str, Value)> {
    match image.contains('/') {
        true => vec![("image", json!("custom")), ("custom_image", json!(image))],
        false => vec![("image", json!(image))],
    }
}
