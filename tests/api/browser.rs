//! The web UI in a real browser: headless Chromium, driven by the scripts in tests/browser/.

use std::path::{Path, PathBuf};
use std::time::Duration;

use reqwest::Method;
use serde_json::Value;

use crate::files::{binary, call, run};
use crate::support::app::{assert_error, spawn_app, spawn_app_with, ADMIN_PASSWORD};
use crate::support::engine;
use crate::support::provisioning::user_with_environment;

const WITHIN: Duration = Duration::from_secs(180);

/// Runs `tests/browser/<script>` with the app's address, a screenshot path and `args`; the
/// script stops itself after WITHIN, and the app keeps serving on this runtime meanwhile.
pub(crate) async fn run_script(script: &str, address: &str, args: &[&str]) -> (String, PathBuf) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let screenshots = root.join("target/browser");
    std::fs::create_dir_all(&screenshots).unwrap();
    let screenshot = screenshots.join(script.replace(".mjs", ".png"));
    let mut node = std::process::Command::new("node");
    node.arg(root.join("tests/browser").join(script))
        .arg(address)
        .arg(&screenshot)
        .args(args)
        .env("BROWSER_TEST_TIMEOUT_MS", WITHIN.as_millis().to_string());
    let output = tokio::task::spawn_blocking(move || node.output())
        .await
        .unwrap()
        .expect("node runs: `make test` installs it with scripts/web.sh --browser");
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "{script} failed\n--- stdout\n{stdout}\n--- stderr\n{stderr}"
    );
    assert!(screenshot.exists(), "{script} saved no screenshot");
    (stdout, screenshot)
}

#[tokio::test]
async fn a_visitor_signs_up_creates_an_environment_and_types_in_its_terminal() {
    let app = spawn_app().await;
    let (stdout, _) = run_script("terminal.mjs", &app.address, &[]).await;
    assert!(stdout.contains("typed and read back"), "{stdout}");
}

#[tokio::test]
async fn an_admin_edits_a_tier_in_the_tiers_table() {
    let app = spawn_app().await;
    // What the table has no cell for survives a save from it.
    let token = app.admin_token().await;
    let mut free = app.tier(&token, "free").await;
    free["node_targets"] = serde_json::json!(["_any", "pool:fast"]);
    let put = app.put("/api/admin/tiers/free", Some(&token), &free).await;
    assert!(put.status().is_success(), "{}", put.status());
    let (stdout, _) = run_script(
        "admin.mjs",
        &app.address,
        &["admin@sandboxd.local", ADMIN_PASSWORD],
    )
    .await;
    assert!(stdout.contains("read back"), "{stdout}");
    // The page's edit reached the API, not just the form.
    let free = app.tier(&token, "free").await;
    let shown = format!("set to {} ", free["max_containers"]);
    assert!(stdout.contains(&shown), "{stdout} vs {free}");
    assert_eq!(
        free["node_targets"],
        serde_json::json!(["_any", "pool:fast"])
    );
}

#[tokio::test]
async fn an_admin_drains_undrains_and_labels_a_node_in_the_nodes_table() {
    let app = spawn_app().await;
    let name = app.settings.node.name.clone();
    let email = "admin@sandboxd.local";
    let args = [email, ADMIN_PASSWORD, name.as_str()];
    let (stdout, _) = run_script("nodes.mjs", &app.address, &args).await;
    assert!(stdout.contains("read back"), "{stdout}");
    // The page's changes reached the API, not just the table.
    let token = app.admin_token().await;
    let path = format!("/api/admin/nodes/{name}");
    let node: Value = app.get(&path, Some(&token)).await.json().await.unwrap();
    assert_eq!(node["state"], "active", "{node}");
    assert_eq!(node["labels_by_admin"], true, "{node}");
    let pool = node["labels"]["pool"].as_str().unwrap();
    assert!(
        stdout.contains(&format!("labels set to pool={pool} ")),
        "{stdout} vs {node}"
    );
}

#[tokio::test]
async fn an_admin_adds_resizes_and_removes_a_warm_pool_in_the_pools_section() {
    let app = spawn_app_with(|settings| {
        settings.node.pool_refill_every = Duration::from_millis(200);
    })
    .await;
    let name = app.settings.node.name.clone();
    let args = ["admin@sandboxd.local", ADMIN_PASSWORD, name.as_str()];
    let (stdout, _) = run_script("pools.mjs", &app.address, &args).await;
    assert!(
        stdout.contains("its member ready, then removed"),
        "{stdout}"
    );
    // The page's changes reached the API: the pool is gone, and so is its member.
    let token = app.admin_token().await;
    let pools: Value = app
        .get("/api/admin/pools", Some(&token))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(pools, serde_json::json!([]));
    let id = stdout.split_whitespace().nth(1).unwrap();
    assert!(uuid::Uuid::parse_str(id).is_ok(), "{stdout}");
}

#[tokio::test]
async fn an_owner_uploads_drops_downloads_and_deletes_files_in_the_files_panel() {
    let app = spawn_app().await;
    let (token, id) = user_with_environment(&app, "panelist").await;
    run(&app, &token, &id, &["ln", "-s", "/etc", "/root/etc-link"]).await;
    let chosen = binary(5000);
    let (stdout, _) = run_script(
        "files.mjs",
        &app.address,
        &[&token, &id, &hex::encode(&chosen)],
    )
    .await;
    assert!(stdout.contains("the same as dropped"), "{stdout}");
    assert!(
        stdout.contains("etc-link shown as → /etc, opened as /etc"),
        "{stdout}"
    );
    assert!(
        stdout.contains("over a file: /root/notes.txt exists and is not a directory"),
        "the API's refusal is shown as it came: {stdout}"
    );

    // What the page did happened in the environment, not just on screen.
    let kept = call(
        &app,
        Method::GET,
        &token,
        &id,
        "",
        &[("path", "/root/data.bin")],
    )
    .await;
    assert_eq!(kept.status(), 200);
    assert_eq!(kept.bytes().await.unwrap().to_vec(), chosen);
    let folder: Value = call(
        &app,
        Method::GET,
        &token,
        &id,
        "/list",
        &[("path", "/root/drop box")],
    )
    .await
    .json()
    .await
    .unwrap();
    assert_eq!(folder["count"], 0, "the dropped file is deleted: {folder}");
    let deleted = call(
        &app,
        Method::GET,
        &token,
        &id,
        "/stat",
        &[("path", "/root/notes.txt")],
    )
    .await;
    assert_error(deleted, 404, "FILE_NOT_FOUND").await;
}

#[tokio::test]
async fn an_owner_opens_makes_public_and_shares_a_port_from_the_ports_panel() {
    let app = spawn_app().await;
    let (token, id) = user_with_environment(&app, "previewer").await;
    let (_, environment) = app.container(&token, &id).await;
    // One web server for everyone, one that only the environment itself can reach.
    let started = engine::exec(
        &app.settings,
        environment["docker_id"].as_str().unwrap(),
        "mkdir -p /tmp/www && echo 'hello from the preview' > /tmp/www/index.html \
         && busybox httpd -p 8000 -h /tmp/www && busybox httpd -p 127.0.0.1:8001 -h /tmp/www",
    );
    assert!(started.status.success(), "{started:?}");

    let (stdout, _) = run_script("ports.mjs", &app.address, &[&token, &id]).await;
    assert!(stdout.contains("8000 listed as reachable"), "{stdout}");
    assert!(
        stdout.contains("8001: listening on 127.0.0.1 only — bind 0.0.0.0"),
        "{stdout}"
    );
    assert!(stdout.contains("read hello from the preview"), "{stdout}");

    // What the page did happened in the API, not just on screen.
    let ports: Value = app
        .get(&format!("/api/containers/{id}/ports"), Some(&token))
        .await
        .json()
        .await
        .unwrap();
    let public: Vec<_> = ports["ports"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|port| port["public"] == true)
        .map(|port| port["port"].clone())
        .collect();
    assert_eq!(public, [8000], "{ports}");
    let shares: Value = app
        .get(&format!("/api/containers/{id}/shares"), Some(&token))
        .await
        .json()
        .await
        .unwrap();
    let [share] = shares.as_array().unwrap().as_slice() else {
        panic!("one share: {shares}");
    };
    assert_eq!(share["port"], 8000);
    assert!(!share["revoked_at"].is_null(), "revoked: {share}");
    let url = share["url"].as_str().unwrap();
    assert!(
        stdout.contains(&format!("shared 8000 as {url}")),
        "{stdout}"
    );
}
