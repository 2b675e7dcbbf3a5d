//! Reconciliation: drift made by hand on the engine is repaired, and shell scripts of other
//! builds are removed once nothing mounts them.

use std::time::{Duration, Instant};

use serde_json::json;

use super::{fast_app, wait_for, ENGINE_SLACK};
use crate::support::engine;
use crate::support::provisioning::user_with_environment;

#[tokio::test]
async fn the_reconciler_repairs_drift_made_by_hand() {
    let app = fast_app().await;
    let (token, gone) = user_with_environment(&app, "drifter").await;
    let halted = app.running_busybox(&token, json!({})).await;

    // An orphan: a container labelled as ours with no record.
    let orphan = format!("sbx-orphan-{}", uuid::Uuid::new_v4().simple());
    let instance = format!("sandboxd.instance={}", app.settings.redis_prefix);
    let environment = format!("sandboxd.environment={}", uuid::Uuid::new_v4());
    let image = crate::support::provisioning::busybox(&app);
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
    let image = crate::support::provisioning::busybox(&app);
    // A holder's volume comes from `volumes_from` when given, so that it is in use from the
    // moment it exists: every test app's housekeeper shares this engine, and would otherwise
    // be free to remove it before its user mounted it.
    let holder = |tag: &str, volumes_from: Option<&str>| {
        let name = format!(
            "sandboxd-shell-test-{tag}-{}",
            uuid::Uuid::new_v4().simple()
        );
        let label = format!("sandboxd.shell-scripts=test-{}", uuid::Uuid::new_v4());
        let mut args = vec![
            "create",
            "--name",
            &name,
            "--label",
            &label,
            "--label",
            "sandboxd-test:housekeeping=1",
        ];
        match volumes_from {
            Some(user) => args.extend(["--volumes-from", user]),
            None => args.extend(["-v", "/usr/lib/sandboxd"]),
        }
        args.extend([image.as_str(), "none"]);
        let made = engine::docker(&app.settings, &args);
        assert!(made.status.success(), "{made:?}");
        name
    };
    let exists = |name: &str| {
        engine::docker(&app.settings, &["inspect", "--type", "container", name])
            .status
            .success()
    };
    let unused = holder("unused", None);
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
            "-v",
            "/usr/lib/sandboxd",
            &image,
            "sleep",
            "300",
        ],
    );
    assert!(run.status.success(), "{run:?}");
    let mounted = holder("mounted", Some(&user));

    let deadline = Instant::now() + ENGINE_SLACK;
    while exists(&unused) && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert!(!exists(&unused), "an unused holder of older scripts stayed");
    assert!(exists(&mounted), "a holder still mounted was removed");
    // This build's own holder is never taken.
    let current = &sandboxd::provisioning::shell::scripts_holder().container;
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
