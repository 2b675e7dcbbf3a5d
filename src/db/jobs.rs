use crate::model::EnvironmentId;
use std::time::Duration;

use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct LeasedJob {
    pub id: Uuid,
    pub container_id: EnvironmentId,
    pub attempts: i32,
    pub max_attempts: i32,
}

pub async fn insert(
    tx: &mut PgConnection,
    id: Uuid,
    container_id: EnvironmentId,
    max_attempts: i32,
) -> Result<(), sqlx::Error> {
    sqlx::query(include_str!("../../sql/jobs/insert.sql"))
        .bind(id)
        .bind(container_id)
        .bind(max_attempts)
        .execute(tx)
        .await?;
    Ok(())
}

/// Takes the job's lease for `owner`, or None when it is done, held by another or not due.
pub async fn acquire(
    pool: &PgPool,
    id: Uuid,
    owner: &str,
    lease: Duration,
) -> Result<Option<LeasedJob>, sqlx::Error> {
    sqlx::query_as(include_str!("../../sql/jobs/acquire.sql"))
        .bind(id)
        .bind(owner)
        .bind(lease.as_secs_f64())
        .fetch_optional(pool)
        .await
}

/// False when the lease was lost (taken over after it lapsed).
pub async fn renew(
    pool: &PgPool,
    id: Uuid,
    owner: &str,
    lease: Duration,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(include_str!("../../sql/jobs/renew.sql"))
        .bind(id)
        .bind(owner)
        .bind(lease.as_secs_f64())
        .execute(pool)
        .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn finish(
    pool: &PgPool,
    id: Uuid,
    owner: &str,
    status: &str,
    error: Option<&str>,
) -> Result<(), sqlx::Error> {
    sqlx::query(include_str!("../../sql/jobs/finish.sql"))
        .bind(id)
        .bind(owner)
        .bind(status)
        .bind(error)
        .execute(pool)
        .await?;
    Ok(())
}

/// `refund`: the attempt does not count against the job's maximum.
pub async fn retry_later(
    pool: &PgPool,
    id: Uuid,
    owner: &str,
    error: &str,
    delay: Duration,
    refund: bool,
) -> Result<(), sqlx::Error> {
    sqlx::query(include_str!("../../sql/jobs/retry_later.sql"))
        .bind(id)
        .bind(owner)
        .bind(error)
        .bind(delay.as_secs_f64())
        .bind(refund)
        .execute(pool)
        .await?;
    Ok(())
}

/// Open jobs idle for longer than `quiet`, marked so that only this caller re-enqueues them.
pub async fn claim_stalled(pool: &PgPool, quiet: Duration) -> Result<Vec<Uuid>, sqlx::Error> {
    sqlx::query_scalar(include_str!("../../sql/jobs/claim_stalled.sql"))
        .bind(quiet.as_secs_f64())
        .fetch_all(pool)
        .await
}
