//! An environment whose image never reports that it is configured (its /bin/sh sleeps) must
//! not hold a worker while it is waited for, and ends in `error` once the configure timeout
//! has passed, with a message its owner can act on.

use std::time::{Duration, Instant};

use serde_json::json;

use super::{create_from, read, SOON};
use crate::support::app::spawn_app_with;
use crate::support::engine;
use crate::support::provisioning::silent;

#[tokio::test]
async fn images_that_never_report_hold_no_worker_and_others_provision_meanwhile() {
    // More silent environments than workers: before, each held a worker for 15 minutes.
    let app = spawn_app_with(|s| s.workers = 2).await;
    let mut silent_ones = Vec::new();
    for n in 0..3 {
        let token = app.user_token(&format!("stalling-{n}")).await;
        let ids = create_from(&app, &token, &silent(&app), 1).await;
        silent_ones.push((token, ids[0].clone()));
    }
    for (token, id) in &silent_ones {
        let deadline = Instant::now() + SOON;
        while read(&app, token, id).await["stage"] != "configuring" {
            assert!(Instant::now() < deadline, "{id} never reached configuring");
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }

    let patient = app.user_token("patient").await;
    let started = Instant::now();
    let id = app.creating_busybox(&patient).await;
    app.wait_running(&patient, &id, SOON).await;
    println!(
        "ordinary create ready {:.1} s after POST beside 3 silent environments on 2 workers",
        started.elapsed().as_secs_f64()
    );
    for (token, id) in &silent_ones {
        let env = read(&app, token, id).await;
        assert_eq!(
            (env["status"].as_str(), env["stage"].as_str()),
            (Some("creating"), Some("configuring")),
            "{env}"
        );
    }
}

#[tokio::test]
async fn an_environment_that_never_reports_ends_in_error_after_the_configure_timeout() {
    let app = spawn_app_with(|s| {
        s.workers = 1;
        s.configure_timeout = Duration::from_secs(3);
    })
    .await;
    let token = app.user_token("silent-owner").await;
    let id = create_from(&app, &token, &silent(&app), 1).await.remove(0);
    let env = app.wait_settled(&token, &id, SOON).await;
    assert_eq!(env["status"], "error", "{env}");
    let message = env["message"].as_str().unwrap_or_default();
    assert!(
        message.contains("did not report that it was configured within 3 s")
            && message.contains("/bin/sh"),
        "{env}"
    );
    assert!(
        engine::containers_with(&app.settings, &format!("sandboxd.environment={id}")).is_empty(),
        "the failed environment's container is removed"
    );
    // The one worker was free all along: the next environment provisions as usual.
    let next = app.running_busybox(&token, json!({})).await;
    assert!(!next.is_empty());
}
