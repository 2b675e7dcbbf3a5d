//! A real environment (debian:bookworm, role barebone) that the escape tests attack from
//! inside, through the same exec a user has, plus what the host side knows about it.

use std::process::Command;

use sandboxd::config::Settings;
use serde_json::{json, Value};

use crate::support::app::{spawn_app_with, TestApp};
use crate::support::engine;
use crate::support::provisioning::READY_WITHIN;

pub struct Sandbox {
    pub app: TestApp,
    pub token: String,
    pub id: String,
}

pub struct Run {
    pub exit_code: i64,
    pub stdout: String,
    pub stderr: String,
}

impl Sandbox {
    pub async fn start(username: &str) -> Sandbox {
        Self::start_with(username, |_| {}).await
    }

    pub async fn start_with(username: &str, customize: impl FnOnce(&mut Settings)) -> Sandbox {
        let app = spawn_app_with(customize).await;
        let token = app.user_token(username).await;
        let id = environment(&app, &token).await;
        Sandbox { app, token, id }
    }

    /// Runs `script` with bash inside the environment, as the user's own exec does.
    pub async fn run(&self, script: &str) -> Run {
        let response = self
            .app
            .post(
                &format!("/api/containers/{}/exec", self.id),
                Some(&self.token),
                &json!({"command": ["bash", "-c", script], "timeout": 60}),
            )
            .await;
        assert_eq!(response.status(), 202);
        let job: Value = response.json().await.unwrap();
        let result = &job["results"][0];
        Run {
            exit_code: result["exit_code"].as_i64().unwrap_or(-1),
            stdout: result["stdout"].as_str().unwrap_or_default().to_string(),
            stderr: result["stderr"].as_str().unwrap_or_default().to_string(),
        }
    }

    pub fn inspect(&self) -> Value {
        engine::inspect(&self.app.settings, &format!("sbx-{}", self.id))
    }

    /// The gateways of the environment's networks: the host as the environment sees it.
    pub fn gateways(&self) -> Vec<String> {
        let inspected = self.inspect();
        let networks = inspected["NetworkSettings"]["Networks"]
            .as_object()
            .unwrap();
        networks
            .values()
            .filter_map(|network| network["Gateway"].as_str())
            .filter(|gateway| !gateway.is_empty())
            .map(str::to_string)
            .collect()
    }

    /// The environment's own address on its network.
    pub fn address(&self) -> String {
        let inspected = self.inspect();
        let networks = inspected["NetworkSettings"]["Networks"]
            .as_object()
            .unwrap();
        let first = networks.values().next().unwrap();
        first["IPAddress"].as_str().unwrap().to_string()
    }
}

/// Creates and waits for one debian:bookworm barebone environment of the token's holder.
pub async fn environment(app: &TestApp, token: &str) -> String {
    let (status, created) = app
        .create(
            token,
            json!({"image": "debian:bookworm", "role": "barebone", "shell": {"enhanced": false}}),
        )
        .await;
    assert_eq!(status, 202, "{created}");
    let id = created["id"].as_str().unwrap().to_string();
    app.wait_running(token, &id, READY_WITHIN).await;
    id
}

/// Every IPv4 address of the host's interfaces, the environment's gateway among them.
pub fn host_addresses() -> Vec<String> {
    let output = Command::new("ip")
        .args(["-4", "-o", "addr", "show"])
        .output()
        .expect("ip runs on the host");
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter_map(|line| {
            let mut words = line.split_whitespace();
            words.find(|word| *word == "inet")?;
            Some(words.next()?.split('/').next()?.to_string())
        })
        .collect()
}

/// The open targets whose address still belongs to the host after a probe. Other tests make
/// and remove users' networks all the time: a bridge address listed before the probe may be
/// gone during it, and then leads off the machine, where the upstream network of these hosts
/// accepts a connection to any address. Such a target says nothing about the host.
pub fn still_on_host(sandbox: &Sandbox, open: &[String]) -> Vec<String> {
    let mut local = sandbox.gateways();
    local.extend(host_addresses());
    open.iter()
        .filter(|target| {
            let host = target
                .rsplit_once(':')
                .map_or(target.as_str(), |(host, _)| host);
            local.iter().any(|address| address == host)
        })
        .cloned()
        .collect()
}

/// A bash snippet that prints "open HOST:PORT" for every target that accepts a connection.
pub fn probe_script(targets: &[(String, u16)]) -> String {
    let mut script = String::from(
        "probe() { if timeout 2 bash -c \"exec 3<>/dev/tcp/$1/$2\" 2>/dev/null; \
         then echo open $1:$2; else echo closed $1:$2; fi; }\n",
    );
    for (host, port) in targets {
        script.push_str(&format!("probe {host} {port} &\n"));
    }
    script.push_str("wait\n");
    script
}

/// The targets among `targets` that the environment reached.
pub async fn reachable(sandbox: &Sandbox, targets: &[(String, u16)]) -> Vec<String> {
    let run = sandbox.run(&probe_script(targets)).await;
    let probed = run.stdout.lines().count();
    assert_eq!(probed, targets.len(), "every probe ran: {}", run.stdout);
    run.stdout
        .lines()
        .filter_map(|line| line.strip_prefix("open "))
        .map(str::to_string)
        .collect()
}
