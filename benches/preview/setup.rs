//! The environment the benchmark measures: a user of its own, a python environment running
//! Python's file server on two ports, and where it answers.

use std::net::{IpAddr, SocketAddr};
use std::time::{Duration, Instant};

use anyhow::{anyhow, ensure, Context};
use serde_json::{json, Value};

use crate::common::api::Api;
use crate::common::load::{self, Endpoint, Target};
use crate::common::server::{docker, Server};
use crate::{BIG_BYTES, PRIVATE_PORT, PUBLIC_PORT, SMALL_BYTES};

const SERVE: &str = include_str!("serve.py");
/// Inside the environment: what is served, and the server's script and log.
const DIR: &str = "/tmp/preview-bench";

/// Writes the files, then starts the server detached from the exec, which would otherwise
/// wait for it.
pub async fn serve(api: &Api, id: &str) -> anyhow::Result<()> {
    let script = format!(
        "set -e; mkdir -p {DIR}; \
         head -c {BIG_BYTES} /dev/urandom > {DIR}/big; \
         head -c {SMALL_BYTES} /dev/zero | tr '\\0' x > {DIR}/small; \
         printf '%s' \"$1\" > {DIR}.py; \
         setsid nohup python3 {DIR}.py {DIR} {PUBLIC_PORT} {PRIVATE_PORT} \
           </dev/null >{DIR}.log 2>&1 &"
    );
    let request = json!({
        "command": ["sh", "-c", script, "sh", SERVE],
        "timeout": 120,
    });
    let answer = api
        .client
        .post(format!("{}/api/containers/{id}/exec", api.base))
        .bearer_auth(&api.token)
        .json(&request)
        .send()
        .await?;
    let status = answer.status();
    let job: Value = answer.json().await.unwrap_or(Value::Null);
    ensure!(status == 202, "exec answered {status}: {job}");
    ensure!(
        job["results"][0]["exit_code"] == 0,
        "the server's setup failed: {job}"
    );
    Ok(())
}

/// The environment's address on its owner's network, the one the server proxies to.
pub fn address(server: &Server, id: &str) -> anyhow::Result<IpAddr> {
    let container = format!("sbx-{id}");
    let inspected = docker(
        &server.docker_host,
        &[
            "inspect",
            "--format",
            "{{json .NetworkSettings.Networks}}",
            &container,
        ],
    )?;
    ensure!(inspected.status.success(), "inspect {container} failed");
    let networks: Value = serde_json::from_slice(&inspected.stdout)?;
    let owners: Vec<&Value> = networks
        .as_object()
        .ok_or_else(|| anyhow!("{container} has no networks"))?
        .iter()
        .filter(|(name, _)| name.starts_with("sbx-net-"))
        .map(|(_, endpoint)| endpoint)
        .collect();
    ensure!(
        owners.len() == 1,
        "{container} is not on exactly one user network: {networks}"
    );
    owners[0]["IPAddress"]
        .as_str()
        .and_then(|address| address.parse().ok())
        .ok_or_else(|| anyhow!("no address in {networks}"))
}

/// Waits until the server answers on `port`.
pub async fn wait_serving(ip: IpAddr, port: u16) -> anyhow::Result<()> {
    let target = Target {
        endpoint: Endpoint::Addr {
            addr: SocketAddr::new(ip, port),
        },
        path: "/small".into(),
        bearer: None,
        headers: Vec::new(),
    };
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        match answers(&target).await {
            Ok(()) => return Ok(()),
            Err(err) if Instant::now() >= deadline => {
                return Err(err).context(format!("nothing answered on {ip}:{port} within 30 s"))
            }
            Err(_) => tokio::time::sleep(Duration::from_millis(200)).await,
        }
    }
}

async fn answers(target: &Target) -> anyhow::Result<()> {
    let mut sender = load::open(&target.endpoint).await?;
    let response = sender.send_request(load::request(target)?).await?;
    ensure!(response.status() == 200, "{}", response.status());
    Ok(())
}

/// Makes `port` of the environment reachable by anyone through its preview host.
pub async fn make_public(api: &Api, id: &str, port: u16) -> anyhow::Result<()> {
    let answer = api
        .client
        .put(format!("{}/api/containers/{id}/ports/{port}", api.base))
        .bearer_auth(&api.token)
        .json(&json!({"public": true}))
        .send()
        .await?;
    let status = answer.status();
    ensure!(
        status.is_success(),
        "making port {port} public answered {status}: {}",
        answer.text().await.unwrap_or_default()
    );
    Ok(())
}
