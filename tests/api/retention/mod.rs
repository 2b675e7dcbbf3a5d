//! Retention: every kind of row that grows is pruned once past its age (or a per-user cap),
//! and rows within it are kept. Ages are backdated in the test's own database rather than
//! waited out; housekeeping runs every 300 ms.

use std::future::Future;
use std::time::{Duration, Instant};

use sandboxd::config::Retention;
use sqlx::{Connection, PgConnection};

use crate::support::app::{spawn_app_with, TestApp};

/// How long a prune may take to show: a few rounds, and an engine removal for environments.
pub const PRUNED_WITHIN: Duration = Duration::from_secs(60);

/// An application on a fast housekeeping clock with `retention` adjusted.
pub async fn retention_app(adjust: impl FnOnce(&mut Retention)) -> TestApp {
    spawn_app_with(|settings| {
        settings.housekeeping_every = Duration::from_millis(300);
        adjust(&mut settings.retention);
    })
    .await
}

pub async fn database(app: &TestApp) -> PgConnection {
    PgConnection::connect(&app.settings.database_url)
        .await
        .expect("the test's database")
}

/// Runs `statement` (no parameters) on the app's database.
pub async fn run_sql(app: &TestApp, statement: &str) {
    sqlx::query(statement)
        .execute(&mut database(app).await)
        .await
        .unwrap_or_else(|err| panic!("{statement}: {err}"));
}

pub async fn count(app: &TestApp, query: &str) -> i64 {
    sqlx::query_scalar(query)
        .fetch_one(&mut database(app).await)
        .await
        .unwrap_or_else(|err| panic!("{query}: {err}"))
}

/// Polls `done` until it holds, failing with `what` after `within`.
pub async fn eventually<F, Fut>(what: &str, within: Duration, done: F)
where
    F: Fn() -> Fut,
    Fut: Future<Output = bool>,
{
    let deadline = Instant::now() + within;
    while !done().await {
        assert!(Instant::now() < deadline, "never: {what}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// The `sandboxd_retention_pruned_total` count of `kind`, 0 when absent.
pub async fn pruned(app: &TestApp, kind: &str) -> u64 {
    let metrics = app.get("/metrics", None).await.text().await.unwrap();
    let series = format!("sandboxd_retention_pruned_total{{kind=\"{kind}\"}} ");
    metrics
        .lines()
        .find_map(|line| line.strip_prefix(&series)?.parse().ok())
        .unwrap_or(0)
}

mod accounts;
mod audit;
mod errored;
mod exec_jobs;
mod shares;
