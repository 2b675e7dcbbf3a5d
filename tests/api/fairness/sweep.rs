//! The sweep re-queues open jobs that Postgres holds and nobody works on (lost with a flushed
//! Redis, left by a dead worker). A job still waiting in the queue must not be added again:
//! before, every sweep (every 2 s) added one more copy of each job waiting longer than 3 s.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use redis::streams::StreamRangeReply;

use super::{create_from, jobs_of, pool, StalledRegistry, SOON};
use crate::support::app::{spawn_app_with, TestApp};
use crate::support::provisioning::busybox;

/// How many messages in the queue of the app's node name each job.
async fn queued_per_job(app: &TestApp) -> HashMap<String, usize> {
    let client = redis::Client::open(app.settings.redis_url.as_str()).unwrap();
    let mut connection = client.get_multiplexed_async_connection().await.unwrap();
    let settings = &app.settings;
    let stream = format!("{}:jobs:node:{}", settings.redis_prefix, settings.node.name);
    let reply: StreamRangeReply = redis::cmd("XRANGE")
        .arg(&stream)
        .arg("-")
        .arg("+")
        .query_async(&mut connection)
        .await
        .unwrap();
    let mut counts = HashMap::new();
    for entry in reply.ids {
        let job: String = entry.get("job").unwrap();
        *counts.entry(job).or_default() += 1;
    }
    counts
}

#[tokio::test]
async fn the_sweep_never_puts_a_job_in_the_queue_twice() {
    let registry = StalledRegistry::start().await;
    let app = spawn_app_with(|s| {
        s.workers = 1;
        s.allowed_registries = registry.allowed();
    })
    .await;
    let pool = pool(&app).await;
    // The only worker is held by a pull that never ends, so these wait in the queue while
    // the sweep runs again and again.
    let blocker = app.user_token("blocker").await;
    create_from(&app, &blocker, &registry.image("never"), 1).await;
    let waiter = app.user_token("waiter").await;
    let ids = create_from(&app, &waiter, &busybox(&app), 3).await;

    let watched_until = Instant::now() + Duration::from_secs(12);
    let mut most = 0;
    while Instant::now() < watched_until {
        let counts = queued_per_job(&app).await;
        most = most.max(counts.values().copied().max().unwrap_or(0));
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    assert_eq!(most, 1, "some job was in the queue {most} times at once");

    drop(registry);
    for id in &ids {
        app.wait_running(&waiter, id, SOON).await;
    }
    let jobs = jobs_of(&pool, "waiter").await;
    assert_eq!(jobs, vec![("done".to_string(), 1); 3], "each job ran once");
    let deadline = Instant::now() + Duration::from_secs(20);
    while !queued_per_job(&app).await.is_empty() {
        assert!(Instant::now() < deadline, "messages left in the queue");
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}
