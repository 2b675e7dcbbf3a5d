//! What an OSAPI create runs and reaches: its `command` on every boot, its output the
//! environment's log; host paths and ports only for admins, and only where the setting
//! allows them.

use std::time::{Duration, Instant};

use serde_json::{json, Value};

use super::{body, create};
use crate::support::app::{assert_error, spawn_app, spawn_app_with, TestApp};
use crate::support::engine;
use crate::support::provisioning::READY_WITHIN;

fn made_id(status: u16, job: &Value) -> String {
    assert_eq!(status, 202, "{job}");
    job["results"][0]["id"].as_str().unwrap().to_string()
}

/// The environment's log, as its engine keeps it.
fn log_of(app: &TestApp, id: &str) -> String {
    let logs = engine::docker(&app.settings, &["logs", &format!("sbx-{id}")]);
    String::from_utf8_lossy(&logs.stdout).into_owned()
}

async fn wait_for_log(app: &TestApp, id: &str, line: &str, times: usize) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while log_of(app, id).matches(line).count() < times {
        assert!(
            Instant::now() < deadline,
            "{line:?} not logged {times} times: {}",
            log_of(app, id)
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

#[tokio::test]
async fn the_command_runs_on_every_boot_with_the_variables_and_its_output_is_logged() {
    let app = spawn_app().await;
    let user = app.user_token("osapi-command").await;
    let mut asked = body(&app);
    asked["command"] = json!(["sh", "-c", "echo \"workload says $GREETING\""]);
    let (status, job) = create(&app, &user, "_any", &asked).await;
    let id = made_id(status, &job);
    app.wait_running(&user, &id, READY_WITHIN).await;
    wait_for_log(&app, &id, "workload says hello", 1).await;
    let log = log_of(&app, &id);
    assert!(
        log.find("sandboxd-configured 0") < log.find("workload says"),
        "the command ran before the environment was ready: {log}"
    );
    // It ended, and the environment stays up.
    let (_, view) = app.container(&user, &id).await;
    assert_eq!(view["status"], "running", "{view}");

    let restart = app
        .post(
            &format!("/api/containers/{id}/restart"),
            Some(&user),
            &json!({}),
        )
        .await;
    assert!(restart.status().is_success(), "{}", restart.status());
    app.wait_running(&user, &id, READY_WITHIN).await;
    wait_for_log(&app, &id, "workload says hello", 2).await;
}

#[tokio::test]
async fn with_the_setting_an_admin_mounts_a_host_path_and_publishes_a_host_port() {
    let app = spawn_app_with(|settings| settings.node.host_access_for_admins = true).await;
    let admin = app.admin_token().await;
    let user = app.user_token("osapi-host-access").await;
    let shared = HostDirectory::new();
    std::fs::write(shared.path().join("index.html"), "from the host\n").unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut asked = body(&app);
    asked["volumes"] = json!([format!("{}:/site:ro", shared.path().display())]);
    asked["ports"] = json!([format!("127.0.0.1:{port}:8080")]);
    asked["command"] = json!(["httpd", "-f", "-p", "8080", "-h", "/site"]);

    // Still not for users, and nothing made.
    for (field, code) in [
        ("volumes", "HOST_VOLUMES_NOT_ALLOWED"),
        ("ports", "HOST_PORTS_NOT_ALLOWED"),
    ] {
        let mut refused = body(&app);
        refused[field] = asked[field].clone();
        let response = app
            .post("/api/node/_any/container/docker", Some(&user), &refused)
            .await;
        assert_error(response, 400, code).await;
    }
    assert_eq!(app.usage(&user).await, 0);
    for (field, bad) in [("volumes", "site:/site"), ("ports", "8080")] {
        let mut malformed = asked.clone();
        malformed[field] = json!([bad]);
        let response = app
            .post("/api/node/_any/container/docker", Some(&admin), &malformed)
            .await;
        assert_error(response, 400, "INVALID_HOST_ACCESS").await;
    }
    assert_eq!(app.usage(&admin).await, 0);

    let (status, job) = create(&app, &admin, "_any", &asked).await;
    let id = made_id(status, &job);
    app.wait_running(&admin, &id, READY_WITHIN).await;
    let url = format!("http://127.0.0.1:{port}/index.html");
    let deadline = Instant::now() + Duration::from_secs(20);
    let page = loop {
        match reqwest::get(&url).await {
            Ok(response) if response.status() == 200 => break response.text().await.unwrap(),
            _ if Instant::now() < deadline => tokio::time::sleep(Duration::from_millis(200)).await,
            other => panic!("the published port never answered: {other:?}"),
        }
    };
    assert_eq!(page, "from the host\n");
    // Read-only as asked.
    let write = app
        .post(
            &format!("/api/containers/{id}/exec"),
            Some(&admin),
            &json!({"command": ["touch", "/site/written"]}),
        )
        .await;
    let write: Value = write.json().await.unwrap();
    assert_ne!(write["results"][0]["exit_code"], 0, "{write}");
    assert!(!shared.path().join("written").exists());
}

/// A directory on the host, removed when dropped.
struct HostDirectory(std::path::PathBuf);

impl HostDirectory {
    fn new() -> Self {
        let path = std::env::temp_dir().join(format!("sandboxd-host-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir(&path).unwrap();
        Self(path)
    }

    fn path(&self) -> &std::path::Path {
        &self.0
    }
}

impl Drop for HostDirectory {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
