//! What provisioning relies on and finds removed from the engine (the shared shell scripts, a
//! user's network) is made again for the next environment.

use std::time::Duration;

use serde_json::json;

use crate::support::app::{spawn_app, spawn_app_with, TestApp};
use crate::support::engine;

const SETTLE_WITHIN: Duration = Duration::from_secs(120);

#[tokio::test]
async fn shell_scripts_removed_from_the_engine_are_made_again() {
    let app = spawn_app().await;
    let token = app.user_token("pruned").await;
    let first = app.create_busybox(&token, json!({})).await;
    let first = app
        .wait_running(&token, first["id"].as_str().unwrap(), SETTLE_WITHIN)
        .await;
    remove_shell_scripts(&app);
    let second = app.create_busybox(&token, json!({})).await;
    let second = app
        .wait_running(&token, second["id"].as_str().unwrap(), SETTLE_WITHIN)
        .await;
    for env in [&first, &second] {
        let check = engine::exec(
            &app.settings,
            env["docker_id"].as_str().unwrap(),
            "test -x /usr/lib/sandboxd/boot.sh && cat /etc/sandboxd/login-shell",
        );
        assert!(check.status.success(), "{env} {check:?}");
    }
}

/// Every server using the engine finds the holder gone at once and makes it again beside
/// the others; one made by another a moment ago is named before it can be mounted.
#[tokio::test]
async fn shell_scripts_removed_under_several_servers_are_made_again_for_each() {
    const SERVERS: usize = 4;
    const ROUNDS: usize = 8;
    let mut servers = Vec::new();
    for n in 0..SERVERS {
        let app = spawn_app().await;
        let token = app.user_token(&format!("pruned-{n}")).await;
        let first = app.create_busybox(&token, json!({})).await;
        app.wait_running(&token, first["id"].as_str().unwrap(), SETTLE_WITHIN)
            .await;
        servers.push((app, token));
    }
    for _ in 0..ROUNDS {
        remove_shell_scripts(&servers[0].0);
        let creates = servers.iter().map(|(app, token)| async move {
            let created = app.create_busybox(token, json!({})).await;
            let id = created["id"].as_str().unwrap();
            app.wait_running(token, id, SETTLE_WITHIN).await;
            let path = format!("/api/containers/{id}");
            assert_eq!(app.delete(&path, Some(token)).await.status(), 200);
        });
        futures_util::future::join_all(creates).await;
    }
}

/// What a `docker system prune --all` does to them: takes the never-started holder of the
/// shared scripts, then their image.
/// Other tests' servers share the engine and may make the holder again in between: then
/// the image is in use, and both go again.
fn remove_shell_scripts(app: &TestApp) {
    let image = &sandboxd::provisioning::shell::scripts_holder().image;
    let mut removed = None;
    for _ in 0..5 {
        let holders = engine::docker(
            &app.settings,
            &["ps", "-aq", "--filter", "name=^sandboxd-shell-"],
        );
        let holders = String::from_utf8_lossy(&holders.stdout).to_string();
        assert!(!holders.trim().is_empty(), "no holder of the shell scripts");
        for holder in holders.split_whitespace() {
            engine::docker(&app.settings, &["rm", "-f", holder]);
        }
        let rmi = engine::docker(&app.settings, &["rmi", image]);
        if rmi.status.success() {
            return;
        }
        removed = Some(rmi);
    }
    panic!("the scripts' image stayed: {removed:?}");
}

#[tokio::test]
async fn a_users_network_removed_from_the_engine_is_made_again() {
    // Housekeeping would remove the network itself once the user has no environment; here
    // someone else must, with sandboxd still remembering it.
    let app = spawn_app_with(|s| s.housekeeping_every = Duration::from_secs(3600)).await;
    let token = app.user_token("unnetworked").await;
    let first = app.create_busybox(&token, json!({})).await;
    let first = app
        .wait_running(&token, first["id"].as_str().unwrap(), SETTLE_WITHIN)
        .await;
    let response = app
        .delete(
            &format!("/api/containers/{}", first["id"].as_str().unwrap()),
            Some(&token),
        )
        .await;
    assert_eq!(response.status(), 200);
    // A `docker network prune` once the user has no environment left.
    let network = engine::user_network(&first);
    let removed = engine::docker(&app.settings, &["network", "rm", &network]);
    assert!(removed.status.success(), "{removed:?}");
    let second = app.create_busybox(&token, json!({})).await;
    let second = app
        .wait_running(&token, second["id"].as_str().unwrap(), SETTLE_WITHIN)
        .await;
    let check = engine::exec(
        &app.settings,
        second["docker_id"].as_str().unwrap(),
        "cat /etc/sandboxd/login-shell",
    );
    assert!(check.status.success(), "{second} {check:?}");
}
