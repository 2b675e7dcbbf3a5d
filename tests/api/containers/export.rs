//! Compose export: files docker-compose accepts, secrets as placeholders, partial batches.

use std::io::Read;
use std::process::Command;

use serde_json::{json, Value};

use crate::support::app::{assert_error, spawn_app, spawn_app_with};
use crate::support::provisioning::READY_WITHIN;

/// Runs `docker-compose config` on the exported file with its env template beside it.
fn compose_config(content: &str, env: &str) -> String {
    let dir =
        std::env::temp_dir().join(format!("sandboxd-export-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("docker-compose.yaml"), content).unwrap();
    std::fs::write(dir.join(".env"), env).unwrap();
    let output = Command::new("docker-compose")
        .arg("--project-directory")
        .arg(&dir)
        .arg("-f")
        .arg(dir.join("docker-compose.yaml"))
        .arg("config")
        .output()
        .expect("docker-compose runs: `make test` installs it");
    std::fs::remove_dir_all(&dir).ok();
    assert!(
        output.status.success(),
        "docker-compose config refused:\n{content}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[tokio::test]
async fn an_export_is_valid_compose_with_secrets_replaced_by_placeholders() {
    let app = spawn_app().await;
    let token = app.user_token("exporter").await;
    let created = app
        .create_busybox(
            &token,
            json!({"name": "api-box", "memory_mb": 512,
                                       "env": ["DB_PASSWORD=hunter2-do-not-leak", "EDITOR=vi"]}),
        )
        .await;
    let id = created["id"].as_str().unwrap();
    app.wait_running(&token, id, READY_WITHIN).await;

    let response = app
        .post(
            &format!("/api/containers/{id}/export"),
            Some(&token),
            &json!({}),
        )
        .await;
    assert_eq!(response.status(), 200);
    let text = response.text().await.unwrap();
    assert!(!text.contains("hunter2"), "the secret leaked: {text}");
    let view: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(view["format"], "docker-compose");
    assert_eq!(view["filename"], "api-box-compose.yaml");
    assert_eq!(view["env_filename"], "api-box.env");
    assert_eq!(
        view["warnings"],
        json!(["Secret 'DB_PASSWORD' was sanitized"])
    );
    assert_eq!(view["env_content"], "DB_PASSWORD=your_password_here\n");
    let content = view["content"].as_str().unwrap();
    assert!(
        content.contains("\"DB_PASSWORD=${DB_PASSWORD}\""),
        "{content}"
    );
    assert!(content.contains("\"EDITOR=vi\""));
    assert!(content.contains("mem_limit: \"512m\""));
    assert!(content.contains("\nnetworks:\n"));
    // It runs on any engine: no mount of sandboxd's own scripts, a plain sleeping first process.
    assert!(!content.contains("/usr/lib/sandboxd"), "{content}");
    assert!(content.contains("sleep 3600"), "{content}");
    let resolved = compose_config(content, view["env_content"].as_str().unwrap());
    assert!(
        resolved.contains("DB_PASSWORD: your_password_here"),
        "{resolved}"
    );

    let preview: Value = app
        .post(
            &format!("/api/containers/{id}/export/preview"),
            Some(&token),
            &json!({"include_networks": false, "sanitize_secrets": false}),
        )
        .await
        .json()
        .await
        .unwrap();
    let content = preview["content"].as_str().unwrap();
    assert!(!content.contains("networks:"), "{content}");
    assert!(
        content.contains("hunter2-do-not-leak"),
        "unsanitized on request"
    );
    compose_config(content, "");
}

#[tokio::test]
async fn a_batch_export_is_one_stack_partial_when_some_fail_and_404_when_all_do() {
    let app = spawn_app().await;
    let token = app.user_token("stacker").await;
    let stranger = app.user_token("stranger").await;
    let mut ids = Vec::new();
    for name in ["web-a", "web-b"] {
        ids.push(app.running_busybox(&token, json!({"name": name})).await);
    }
    let body = json!({"container_ids": [ids[0], ids[1]], "stack_name": "my-stack"});
    let response = app
        .post("/api/containers/batch/export/preview", Some(&token), &body)
        .await;
    assert_eq!(response.status(), 200);
    let view: Value = response.json().await.unwrap();
    assert_eq!(view["filename"], "my-stack-compose.yaml");
    let content = view["content"].as_str().unwrap();
    assert!(
        content.contains("\"web-a\":") && content.contains("\"web-b\":"),
        "{content}"
    );
    compose_config(content, "");

    let body = json!({"container_ids": [ids[0], "no-such-env"]});
    let response = app
        .post("/api/containers/batch/export", Some(&token), &body)
        .await;
    assert_eq!(response.status(), 206);
    let view: Value = response.json().await.unwrap();
    assert_eq!(view["filename"], "exported-stack-compose.yaml");
    assert_eq!(
        view["warnings"],
        json!(["Container 'no-such-env' not found"])
    );

    let response = app
        .post(
            "/api/containers/batch/export",
            Some(&stranger),
            &json!({"container_ids": ids}),
        )
        .await;
    assert_error(response, 404, "ALL_CONTAINERS_FAILED").await;
    let response = app
        .post(
            "/api/containers/batch/export",
            Some(&token),
            &json!({"container_ids": []}),
        )
        .await;
    assert_error(response, 400, "EMPTY_CONTAINER_LIST").await;

    let response = app
        .post(
            "/api/containers/batch/export?format=zip",
            Some(&token),
            &json!({"container_ids": ids, "stack_name": "zipped"}),
        )
        .await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "application/zip");
    assert!(response.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .contains("zipped.zip"));
    let bytes = response.bytes().await.unwrap();
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes.to_vec())).unwrap();
    let mut compose = String::new();
    archive
        .by_name("zipped-compose.yaml")
        .unwrap()
        .read_to_string(&mut compose)
        .unwrap();
    assert!(compose.starts_with("services:"));
    assert!(archive.by_name("zipped.env").is_ok());
}

#[tokio::test]
async fn an_environment_without_its_container_yet_is_not_ready_to_export() {
    // No worker: the environment stays queued, with no container behind it.
    let app = spawn_app_with(|s| s.workers = 0).await;
    let token = app.user_token("early").await;
    let created = app.create_busybox(&token, json!({"name": "queued"})).await;
    assert_eq!(created["status"], "creating");
    for path in [
        "/api/containers/queued/export",
        "/api/containers/queued/export/preview",
    ] {
        let response = app.post(path, Some(&token), &json!({})).await;
        assert_error(response, 409, "CONTAINER_NOT_READY").await;
    }
}
