//! Each limit bites: memory, disk and pids, enforced by the engine.

use std::time::Duration;

use serde_json::json;

use crate::support::app::spawn_app_with;
use crate::support::engine;
use crate::support::provisioning::READY_WITHIN;

#[tokio::test]
async fn memory_disk_and_pids_limits_bite() {
    let app = spawn_app_with(|s| s.pids_limit = 64).await;
    let token = app.user_token("limited").await;
    let created = app
        .create_busybox(&token, json!({"memory_mb": 256, "disk_mb": 1024}))
        .await;
    let env = app
        .wait_running(&token, created["id"].as_str().unwrap(), READY_WITHIN)
        .await;
    let id = env["docker_id"].as_str().unwrap();

    // tail -c keeps the last N bytes in memory: 400 MB of it cannot fit in 256 MB.
    let memory = engine::exec(
        &app.settings,
        id,
        "head -c 419430400 /dev/zero | tail -c 400000000 > /dev/null",
    );
    assert_eq!(
        memory.status.code(),
        Some(137),
        "killed by the OOM killer: {memory:?}"
    );

    let disk = engine::exec(
        &app.settings,
        id,
        "dd if=/dev/zero of=/root/fill bs=1M count=1500 2>&1; ls -l /root/fill",
    );
    let output = String::from_utf8_lossy(&disk.stdout);
    assert!(
        output.contains("No space left") || output.contains("quota"),
        "{output}"
    );
    let written: u64 = output
        .lines()
        .last()
        .unwrap()
        .split_whitespace()
        .nth(4)
        .unwrap()
        .parse()
        .unwrap();
    assert!(
        written < 1100 * 1024 * 1024,
        "stopped near 1024 MB, wrote {written}"
    );
    engine::exec(&app.settings, id, "rm -f /root/fill");

    // A fork bomb: a shell starting 200 sleepers stops when the pids limit refuses a fork.
    // The sleepers are short, because while they live no new process (not even an exec) fits.
    engine::exec(
        &app.settings,
        id,
        "sh -c 'i=0; while [ $i -lt 200 ]; do sleep 3 & i=$((i+1)); echo $i > /tmp/started; done' \
         2>/tmp/forks; true",
    );
    tokio::time::sleep(Duration::from_secs(4)).await;
    let counts = engine::exec(
        &app.settings,
        id,
        "cat /tmp/started; grep -c fork /tmp/forks",
    );
    let output = String::from_utf8_lossy(&counts.stdout);
    let mut numbers = output
        .lines()
        .filter_map(|line| line.trim().parse::<u64>().ok());
    let (started, refused) = (numbers.next().unwrap_or(0), numbers.next().unwrap_or(0));
    assert!(
        started > 0 && started < 64,
        "the limit stopped the bomb: {output}"
    );
    assert!(refused > 0, "forks were refused: {output}");
}
