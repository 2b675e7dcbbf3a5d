//! Expiry, idle stop and reconciliation, on a fast housekeeping clock.

use std::time::{Duration, Instant};

use serde_json::{json, Value};

use crate::engine;
use crate::helpers::{spawn_app_with, TestApp};
use crate::terminal_client::{user_with_environment, READY_WITHIN};
use crate::ws;

/// How long one stop or removal may take on a busy engine: the sweeps act at once, but the
/// engine's answer can lag by tens of seconds when the whole suite runs on two cores.
pub const ENGINE_SLACK: Duration = Duration::from_secs(60);

pub async fn fast_app() -> TestApp {
    spawn_app_with(|s| s.housekeeping_every = Duration::from_millis(300)).await
}

/// Edits a tier through the admin API.
async fn edit_tier(app: &TestApp, name: &str, changes: Value) {
    let admin = app.admin_token().await;
    let tiers: Value = app
        .get("/api/admin/tiers", Some(&admin))
        .await
        .json()
        .await
        .unwrap();
    let mut tier = tiers
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["name"] == name)
        .unwrap()
        .clone();
    for (key, value) in changes.as_object().unwrap() {
        tier[key] = value.clone();
    }
    let response = app
        .request(
            reqwest::Method::PUT,
            &format!("/api/admin/tiers/{name}"),
            Some(&admin),
        )
        .json(&tier)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
}

async fn wait_for(
    app: &TestApp,
    token: &str,
    id: &str,
    within: Duration,
    done: impl Fn(u16, &Value) -> bool,
) -> Value {
    let deadline = Instant::now() + within;
    loop {
        let (status, body) = app.container(token, id).await;
        if done(status, &body) {
            return body;
        }
        assert!(Instant::now() < deadline, "still {status} {body}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

async fn frame_of(socket: &mut ws::Socket, kind: &str, within: Duration) -> Value {
    let deadline = tokio::time::Instant::now() + within;
    loop {
        let left = deadline.saturating_duration_since(tokio::time::Instant::now());
        let frame = ws::next_json(socket, left)
            .await
            .unwrap_or_else(|| panic!("no {kind}"));
        if frame["type"] == kind {
            return frame;
        }
    }
}

#[tokio::test]
async fn an_environment_is_warned_then_stopped_at_its_session_limit() {
    let app = fast_app().await;
    edit_tier(&app, "free", json!({"session_limit_seconds": 4})).await;
    let token = app.user_token("timed").await;
    // Listening first: the warning goes out as soon as the environment exists.
    let mut events = ws::events(&app, &token).await;
    let created = app.create_busybox(&token, json!({})).await;
    let id = created["id"].as_str().unwrap().to_string();
    let warning = frame_of(&mut events, "container.expiring", Duration::from_secs(5)).await;
    assert_eq!(warning["data"]["containerId"], id.as_str());
    assert!(warning["data"]["secondsLeft"].as_i64().unwrap() <= 4);
    let expired = frame_of(&mut events, "container.expired", ENGINE_SLACK).await;
    assert_eq!(expired["data"]["deleted"], false);
    let body = wait_for(&app, &token, &id, Duration::from_secs(10), |_, b| {
        b["status"] == "stopped"
    })
    .await;
    assert_eq!(body["status"], "stopped");
}

#[tokio::test]
async fn a_guests_environment_is_deleted_at_its_session_limit() {
    let app = fast_app().await;
    edit_tier(&app, "guest", json!({"session_limit_seconds": 3})).await;
    let guest: Value = app
        .post("/api/auth/guest", None, &json!({}))
        .await
        .json()
        .await
        .unwrap();
    let token = guest["token"].as_str().unwrap().to_string();
    let created = app.create_busybox(&token, json!({})).await;
    let id = created["id"].as_str().unwrap().to_string();
    // The guest's session ends with its tier's limit too, so an admin looks instead. On a slow
    // engine the limit may come before the environment is ready: it goes all the same.
    let admin = app.admin_token().await;
    let deadline = Instant::now() + READY_WITHIN + ENGINE_SLACK;
    loop {
        let listed: Value = app
            .get("/api/admin/containers", Some(&admin))
            .await
            .json()
            .await
            .unwrap();
        if listed["total"] == 0 {
            break;
        }
        assert!(Instant::now() < deadline, "not deleted: {listed}");
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    assert!(
        engine::containers_with(&app.settings, &format!("sandboxd.environment={id}")).is_empty()
    );
    let metrics = app.get("/metrics", None).await.text().await.unwrap();
    assert!(
        metrics.contains("housekeeping_repairs_total{kind=\"expired_deleted\"} 1"),
        "deleted by expiry: {metrics}"
    );
}

#[tokio::test]
async fn an_idle_environment_is_stopped_and_activity_postpones_it() {
    let app = fast_app().await;
    let (token, id) = user_with_environment(&app, "dozy").await;
    let mut events = ws::events(&app, &token).await;
    let exec = || async {
        let job = app
            .post(
                &format!("/api/containers/{id}/exec"),
                Some(&token),
                &json!({"command": ["true"]}),
            )
            .await;
        assert_eq!(job.status(), 202);
    };
    // The timeout is short and set only now, so however long provisioning took, the clock
    // starts from this first activity.
    exec().await;
    edit_tier(&app, "free", json!({"idle_timeout_seconds": 3})).await;
    // Activity every second for five seconds: longer than the timeout, yet still running.
    for _ in 0..5 {
        exec().await;
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
    assert_eq!(app.container(&token, &id).await.1["status"], "running");
    let idle = frame_of(&mut events, "container.idle", ENGINE_SLACK).await;
    assert_eq!(idle["data"]["containerId"], id.as_str());
    let body = wait_for(&app, &token, &id, Duration::from_secs(10), |_, b| {
        b["status"] == "stopped"
    })
    .await;
    assert_eq!(body["status"], "stopped");
    let wrote = engine::inspect(&app.settings, &format!("sbx-{id}"));
    assert_eq!(wrote["State"]["Running"], false, "stopped, not removed");
}

#[tokio::test]
async fn the_reconciler_repairs_drift_made_by_hand() {
    let app = fast_app().await;
    let (token, gone) = user_with_environment(&app, "drifter").await;
    let created = app.create_busybox(&token, json!({})).await;
    let halted = created["id"].as_str().unwrap().to_string();
    app.wait_running(&token, &halted, READY_WITHIN).await;

    // An orphan: a container labelled as ours with no record.
    let orphan = format!("sbx-orphan-{}", uuid::Uuid::new_v4().simple());
    let instance = format!("sandboxd.instance={}", app.settings.redis_prefix);
    let environment = format!("sandboxd.environment={}", uuid::Uuid::new_v4());
    let image = crate::provisioning_helpers::busybox(&app);
    let run = engine::docker(
        &app.settings,
        &[
            "run",
            "-d",
            "--name",
            &orphan,
            "--label",
            &instance,
            "--label",
            &environment,
            &image,
            "sleep",
            "300",
        ],
    );
    assert!(run.status.success(), "{run:?}");
    // A record whose container vanished, and one stopped behind our back.
    engine::docker(&app.settings, &["rm", "-f", &format!("sbx-{gone}")]);
    engine::docker(
        &app.settings,
        &["stop", "-t", "1", &format!("sbx-{halted}")],
    );

    let body = wait_for(&app, &token, &gone, ENGINE_SLACK, |_, b| {
        b["status"] == "error"
    })
    .await;
    assert!(
        body["message"].as_str().unwrap().contains("vanished"),
        "{body}"
    );
    let body = wait_for(&app, &token, &halted, ENGINE_SLACK, |_, b| {
        b["status"] == "stopped"
    })
    .await;
    assert!(
        body["message"].as_str().unwrap().contains("outside"),
        "{body}"
    );
    let deadline = Instant::now() + ENGINE_SLACK;
    while !engine::containers_with(&app.settings, &environment).is_empty() {
        assert!(Instant::now() < deadline, "the orphan was not removed");
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    let metrics = app.get("/metrics", None).await.text().await.unwrap();
    for kind in ["orphan_removed", "vanished", "stopped_outside"] {
        assert!(
            metrics.contains(&format!("housekeeping_repairs_total{{kind=\"{kind}\"}} 1")),
            "{kind}: {metrics}"
        );
    }
}

#[tokio::test]
async fn shell_scripts_of_another_build_are_removed_once_nothing_mounts_them() {
    let app = fast_app().await;
    let image = crate::provisioning_helpers::busybox(&app);
    let holder = |tag: &str| {
        let name = format!(
            "sandboxd-shell-test-{tag}-{}",
            uuid::Uuid::new_v4().simple()
        );
        let made = engine::docker(
            &app.settings,
            &[
                "create",
                "--name",
                &name,
                "--label",
                &format!("sandboxd.shell-scripts=test-{}", uuid::Uuid::new_v4()),
                "--label",
                "sandboxd-test:housekeeping=1",
                "-v",
                "/usr/lib/sandboxd",
                &image,
                "none",
            ],
        );
        assert!(made.status.success(), "{made:?}");
        name
    };
    let exists = |name: &str| {
        engine::docker(&app.settings, &["inspect", "--type", "container", name])
            .status
            .success()
    };
    let unused = holder("unused");
    let mounted = holder("mounted");
    let user = format!("sandboxd-test-mounts-{}", uuid::Uuid::new_v4().simple());
    let run = engine::docker(
        &app.settings,
        &[
            "run",
            "-d",
            "--name",
            &user,
            "--label",
            "sandboxd-test:housekeeping=1",
            "--volumes-from",
            &format!("{mounted}:ro"),
            &image,
            "sleep",
            "300",
        ],
    );
    assert!(run.status.success(), "{run:?}");

    let deadline = Instant::now() + ENGINE_SLACK;
    while exists(&unused) && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert!(!exists(&unused), "an unused holder of older scripts stayed");
    assert!(exists(&mounted), "a holder still mounted was removed");
    // This build's own holder is never taken.
    let current = &sandboxd::provision::shell::scripts_holder().container;
    let created = app
        .create_busybox(&app.user_token("scripts-user").await, json!({}))
        .await;
    assert_eq!(created["status"], "creating");

    engine::docker(&app.settings, &["rm", "-f", &user]);
    let deadline = Instant::now() + ENGINE_SLACK;
    while exists(&mounted) && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert!(
        !exists(&mounted),
        "the holder stayed after its last user went"
    );
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert!(exists(current), "this build's holder was removed");
}
