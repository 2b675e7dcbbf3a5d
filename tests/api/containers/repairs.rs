//! What provisioning relies on and finds removed from the engine (the shared shell scripts, a
//! user's network) is made again for the next environment.

use std::time::Duration;

use serde_json::json;

use crate::support::app::{spawn_app, spawn_app_with};
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
    // A `docker system prune --all` takes the never-started holder of the shared scripts,
    // then their image.
    let holders = engine::docker(
        &app.settings,
        &["ps", "-aq", "--filter", "name=^sandboxd-shell-"],
    );
    let holders = String::from_utf8_lossy(&holders.stdout).to_string();
    assert!(!holders.trim().is_empty(), "no holder of the shell scripts");
    for holder in holders.split_whitespace() {
        engine::docker(&app.settings, &["rm", "-f", holder]);
    }
    let image = &sandboxd::provisioning::shell::scripts_holder().image;
    let removed = engine::docker(&app.settings, &["rmi", image]);
    assert!(removed.status.success(), "{removed:?}");
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
