//! Pruning what has outlived its retention, one bounded batch per call: each returns how many
//! rows it removed, so the caller repeats while batches come back full.

use std::time::Duration;

use sqlx::PgPool;
use uuid::Uuid;

use crate::model::{EnvironmentId, UserId};

fn seconds(kept: Option<Duration>) -> Option<f64> {
    kept.map(|kept| kept.as_secs_f64())
}

pub async fn exec_jobs(pool: &PgPool, kept: Duration, batch: i64) -> Result<u64, sqlx::Error> {
    let done = sqlx::query(include_str!("../../sql/retention/exec_jobs.sql"))
        .bind(kept.as_secs_f64())
        .bind(batch)
        .execute(pool)
        .await?;
    Ok(done.rows_affected())
}

/// Removes `user`'s exec jobs beyond their newest `keep`.
pub async fn exec_jobs_over_cap(
    pool: &PgPool,
    user: UserId,
    keep: i64,
) -> Result<u64, sqlx::Error> {
    let done = sqlx::query(include_str!("../../sql/retention/exec_jobs_over_cap.sql"))
        .bind(user.uuid())
        .bind(keep)
        .execute(pool)
        .await?;
    Ok(done.rows_affected())
}

/// `None` keeps that kind of entry.
pub async fn audit(
    pool: &PgPool,
    kept: Option<Duration>,
    kept_anonymous: Option<Duration>,
    batch: i64,
) -> Result<u64, sqlx::Error> {
    let done = sqlx::query(include_str!("../../sql/retention/audit.sql"))
        .bind(seconds(kept))
        .bind(seconds(kept_anonymous))
        .bind(batch)
        .execute(pool)
        .await?;
    Ok(done.rows_affected())
}

pub async fn sessions(pool: &PgPool, kept: Duration, batch: i64) -> Result<u64, sqlx::Error> {
    let done = sqlx::query(include_str!("../../sql/retention/sessions.sql"))
        .bind(kept.as_secs_f64())
        .bind(batch)
        .execute(pool)
        .await?;
    Ok(done.rows_affected())
}

pub async fn guests(pool: &PgPool, kept: Duration, batch: i64) -> Result<u64, sqlx::Error> {
    let removed: i64 = sqlx::query_scalar(include_str!("../../sql/retention/guests.sql"))
        .bind(kept.as_secs_f64())
        .bind(batch)
        .fetch_one(pool)
        .await?;
    Ok(u64::try_from(removed).unwrap_or(0))
}

/// Environments in `error` for longer than `kept`, to be deleted like any other.
pub async fn errored_environments(
    pool: &PgPool,
    kept: Duration,
    batch: i64,
) -> Result<Vec<EnvironmentId>, sqlx::Error> {
    let ids: Vec<Uuid> = sqlx::query_scalar(include_str!("../../sql/retention/errored.sql"))
        .bind(kept.as_secs_f64())
        .bind(batch)
        .fetch_all(pool)
        .await?;
    Ok(ids.into_iter().map(EnvironmentId::from).collect())
}
