//! The whole pipeline against the real engine and registry.

use std::time::Duration;

use serde_json::json;

use crate::support::app::spawn_app;
use crate::support::engine::{self, inspect};
use crate::support::ws;

const READY_WITHIN: Duration = Duration::from_secs(240);

#[tokio::test]
async fn barebone_on_debian_goes_through_every_stage_to_a_sandboxed_container() {
    let app = spawn_app().await;
    let token = app.user_token("pipeline").await;
    let mut events = ws::events(&app, &token).await;
    let (status, created) = app
        .create(
            &token,
            json!({"image": "debian:bookworm", "role": "barebone", "name": "bare",
                               "memory_mb": 512, "cpu_shares": 500, "disk_mb": 2048}),
        )
        .await;
    assert_eq!(status, 202, "{created}");
    let id = created["id"].as_str().unwrap();
    let stages = ws::stages_until(&mut events, id, "ready", READY_WITHIN).await;
    let expected = [
        "validating",
        "pulling",
        "creating",
        "starting",
        "configuring",
        "ready",
    ];
    let seen: Vec<&str> = stages
        .iter()
        .map(String::as_str)
        .filter(|s| expected.contains(s))
        .collect();
    assert_eq!(seen, expected, "stages in order: {stages:?}");

    let env = app.wait_running(&token, id, READY_WITHIN).await;
    let docker_id = env["docker_id"].as_str().unwrap();
    assert_eq!(docker_id.len(), 64);
    // The docker id, long and short, names the environment too.
    for reference in [docker_id, &docker_id[..12]] {
        assert_eq!(app.container(&token, reference).await.1["id"], id);
    }

    let container = inspect(&app.settings, docker_id);
    let host = &container["HostConfig"];
    assert_eq!(host["Memory"], 512 * 1024 * 1024);
    assert_eq!(host["MemorySwap"], 512 * 1024 * 1024);
    assert_eq!(host["NanoCpus"], 500_000_000);
    assert_eq!(host["PidsLimit"], app.settings.pids_limit);
    assert_eq!(host["StorageOpt"]["size"], "2048M");
    assert_eq!(host["CapDrop"], json!(["ALL"]));
    assert!(!host["CapAdd"]
        .as_array()
        .unwrap()
        .contains(&json!("NET_RAW")));
    assert_eq!(host["SecurityOpt"], json!(["no-new-privileges:true"]));
    assert_eq!(host["Privileged"], false);
    assert!(host["NetworkMode"]
        .as_str()
        .unwrap()
        .starts_with("sbx-net-"));
    let labels = &container["Config"]["Labels"];
    assert_eq!(labels["sandboxd.environment"], id);
    assert_eq!(labels["sandboxd.owner"], created["user_id"]);
    let mounts = container["Mounts"].as_array().unwrap();
    assert!(!mounts
        .iter()
        .any(|m| m["Source"].as_str().unwrap_or("").contains("docker.sock")));

    // The shell options were applied: zsh with sandboxd's rc, git aliases, the stats banner.
    let shell = engine::exec(&app.settings, docker_id, "cat /etc/sandboxd/login-shell; grep -c sandboxd /root/.zshrc; git config --system alias.st; sh /usr/lib/sandboxd/stats.sh");
    let output = String::from_utf8_lossy(&shell.stdout);
    assert!(
        shell.status.success(),
        "{output} {}",
        String::from_utf8_lossy(&shell.stderr)
    );
    assert!(
        output.contains("zsh") && output.contains("status") && output.contains("memory:"),
        "{output}"
    );
}

#[tokio::test]
async fn the_python_role_has_python_and_tmux_when_asked() {
    let app = spawn_app().await;
    let token = app.user_token("pythonista").await;
    let (status, created) = app
        .create(
            &token,
            json!({"image": "debian:bookworm", "role": "python",
                               "shell": {"use_tmux": true, "theme": "minimal"}}),
        )
        .await;
    assert_eq!(status, 202, "{created}");
    let env = app
        .wait_running(&token, created["id"].as_str().unwrap(), READY_WITHIN)
        .await;
    let docker_id = env["docker_id"].as_str().unwrap();
    let check = engine::exec(
        &app.settings,
        docker_id,
        "python3 --version && cat /etc/sandboxd/use-tmux && tmux -V",
    );
    let output = String::from_utf8_lossy(&check.stdout);
    assert!(check.status.success(), "{output}");
    assert!(output.contains("Python 3."), "{output}");
    assert!(
        output.lines().any(|line| line == "1"),
        "tmux is on: {output}"
    );
}
