//! One user's jobs occupy at most `workers_per_user` workers at once, counted in Postgres so
//! that every process agrees; the rest of that user's jobs wait, unqueued and untouched, and
//! other users' jobs go through the free workers meanwhile.

use std::time::{Duration, Instant};

use super::{create_from, jobs_of, occupied_by, pool, StalledRegistry, SOON};
use crate::support::app::{spawn_app_beside, spawn_app_with};

#[tokio::test]
async fn one_users_jobs_occupy_at_most_their_share_of_the_workers() {
    let registry = StalledRegistry::start().await;
    // Two processes of two workers each: the share must hold across them.
    let app = spawn_app_with(|s| {
        s.workers = 2;
        s.workers_per_user = 2;
        s.allowed_registries = registry.allowed();
    })
    .await;
    let _second = spawn_app_beside(&app, |s| s.workers = 2).await;
    let pool = pool(&app).await;

    // Four pulls that never finish: before, they held all four workers.
    let hog = app.user_token("hog").await;
    create_from(&app, &hog, &registry.image("never"), 4).await;
    let watched_until = Instant::now() + Duration::from_secs(6);
    let mut most = 0;
    while Instant::now() < watched_until {
        most = most.max(occupied_by(&pool, "hog").await);
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(most, 2, "the hog's jobs held {most} workers at most");

    let other = app.user_token("other").await;
    let started = Instant::now();
    let id = app.creating_busybox(&other).await;
    app.wait_running(&other, &id, SOON).await;
    println!(
        "another user's environment ready {:.1} s after POST while the hog holds its share",
        started.elapsed().as_secs_f64()
    );
    // The hog's two waiting jobs were never leased and are not churned through the queue.
    let jobs = jobs_of(&pool, "hog").await;
    let waiting: Vec<_> = jobs.iter().filter(|(_, attempts)| *attempts == 0).collect();
    assert_eq!(waiting.len(), 2, "{jobs:?}");
    assert!(occupied_by(&pool, "hog").await <= 2);

    // Once the hog's pulls fail, its waiting jobs get their turn, and every one ends.
    drop(registry);
    let deadline = Instant::now() + SOON * 2;
    loop {
        let jobs = jobs_of(&pool, "hog").await;
        if jobs
            .iter()
            .all(|(status, _)| status == "done" || status == "failed")
        {
            assert!(jobs.iter().all(|(_, attempts)| *attempts >= 1), "{jobs:?}");
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the hog's jobs never all ran: {jobs:?}"
        );
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
}
