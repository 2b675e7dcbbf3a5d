//! Redis restarted: creates are still accepted (the job waits in Postgres), reads, logins and
//! open terminals go on; afterwards queued work, events and readiness come back by themselves.

use std::time::{Duration, Instant};

use crate::support::app::{assert_error, spawn_app_with};
use crate::support::checks::*;
use crate::support::daemons::{outage, time_until, PrivateRedis};
use crate::support::ws;

#[tokio::test]
async fn redis_restarted_under_provisioning_and_a_terminal_loses_nothing() {
    let mut redis = PrivateRedis::launch();
    let app = spawn_app_with(|settings| settings.redis_url = redis.url.clone()).await;
    let (token, _, mut terminal) = user_with_open_terminal(&app, "redis-fault", "").await;

    let caught = app.creating_busybox(&token).await;
    let outage = outage(&mut redis);
    let caught_at = stage_of(&app, &token, &caught).await;

    // Accepted while Redis is down: the job is in Postgres and the sweep queues it later.
    let started = Instant::now();
    let during = app.creating_busybox(&token).await;
    let create_took = started.elapsed();
    // Neither queueing nor announcing it waits for Redis.
    assert!(
        create_took < Duration::from_secs(2),
        "create took {create_took:?}"
    );
    assert_eq!(app.get("/healthz", None).await.status(), 200);
    let body = assert_error(app.get("/readyz", None).await, 503, "NOT_READY").await;
    assert!(body["error"].as_str().unwrap().contains("redis"), "{body}");
    assert_eq!(app.get("/api/containers", Some(&token)).await.status(), 200);
    assert_eq!(
        app.login("redis-fault", "correct horse battery")
            .await
            .status(),
        200
    );
    assert_eq!(app.get("/login", None).await.status(), 200);
    assert_echoes(&mut terminal, "during").await;
    // Long enough for the workers' reads, the sweep and the event relay to fail and retry.
    tokio::time::sleep(Duration::from_secs(5)).await;
    // Nothing can queue it yet.
    assert!(stage_of(&app, &token, &during)
        .await
        .starts_with("creating"));

    let downtime = outage.restore();
    let restarted = Instant::now();
    let ready_again = time_until(RECOVERS_WITHIN, "readyz", || async {
        app.get("/readyz", None).await.status() == 200
    })
    .await;
    let settled = time_until_settled(&app, &token).await;
    assert_echoes(&mut terminal, "after").await;

    // Events flow again: the relay resubscribed.
    let mut events = ws::events(&app, &token).await;
    let after = app.creating_busybox(&token).await;
    let stages = ws::stages_until(&mut events, &after, "ready", RECOVERS_WITHIN).await;
    assert_eq!(
        stages.last().map(String::as_str),
        Some("ready"),
        "{stages:?}"
    );
    let environments = assert_whole(&app, &token).await;
    let attempts = assert_jobs_done(&app).await;
    assert_eq!(environments, 4);
    terminal.close().await;
    println!(
        "FAULT redis: down {}; create while down answered 202 in {}; first create caught at {caught_at}; \
         ready again {} after restart, queued environments running {} after restart; \
         {environments} environments, one container each, none orphaned, jobs done in attempts {attempts:?} (total {})",
        seconds(downtime),
        seconds(create_took),
        seconds(ready_again),
        seconds(settled),
        seconds(restarted.elapsed()),
    );
}
