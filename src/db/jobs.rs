use crate::model::{EnvironmentId, JobId, UserId};
use std::time::Duration;

use sqlx::{PgConnection, PgPool};

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct LeasedJob {
    pub id: JobId,
    pub container_id: EnvironmentId,
    pub user_id: UserId,
    pub attempts: i32,
    pub max_attempts: i32,
}

/// What asking for a job's lease came to.
#[derive(Debug)]
pub enum Acquired {
    Leased(LeasedJob),
    /// Due, but its owner's jobs already occupy their share of the workers.
    Deferred,
    /// Done, held by a live worker, not yet due, or gone.
    Unavailable,
}

pub async fn insert(
    tx: &mut PgConnection,
    id: JobId,
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

/// Takes the job's lease for `owner`, unless its user's other jobs occupy `per_user` workers
/// already (0: no limit). The count and the taking are one transaction under a per-user lock,
/// so every process sees the same share.
/// A worker: its lease name, and the node it runs beside.
#[derive(Clone, Copy)]
pub struct Worker<'a> {
    pub id: &'a str,
    pub node: &'a str,
}

pub async fn acquire(
    pool: &PgPool,
    id: JobId,
    worker: Worker<'_>,
    lease: Duration,
    per_user: i64,
) -> Result<Acquired, sqlx::Error> {
    let Worker { id: owner, node } = worker;
    let mut tx = pool.begin().await?;
    let user: Option<UserId> = sqlx::query_scalar(include_str!("../../sql/jobs/owner_of.sql"))
        .bind(id)
        .bind(node)
        .fetch_optional(&mut *tx)
        .await?;
    let Some(user) = user else {
        return Ok(Acquired::Unavailable);
    };
    if per_user > 0 {
        sqlx::query(include_str!("../../sql/jobs/lock_share.sql"))
            .bind(user)
            .execute(&mut *tx)
            .await?;
        let busy: i64 = sqlx::query_scalar(include_str!("../../sql/jobs/busy_for_user.sql"))
            .bind(user)
            .bind(id)
            .fetch_one(&mut *tx)
            .await?;
        if busy >= per_user {
            let deferred = sqlx::query(include_str!("../../sql/jobs/defer.sql"))
                .bind(id)
                .execute(&mut *tx)
                .await?
                .rows_affected()
                == 1;
            tx.commit().await?;
            return Ok(if deferred {
                Acquired::Deferred
            } else {
                Acquired::Unavailable
            });
        }
    }
    let job: Option<LeasedJob> = sqlx::query_as(include_str!("../../sql/jobs/acquire.sql"))
        .bind(id)
        .bind(owner)
        .bind(lease.as_secs_f64())
        .bind(node)
        .fetch_optional(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(job.map_or(Acquired::Unavailable, Acquired::Leased))
}

/// False when the lease was lost (taken over after it lapsed).
pub async fn renew(
    pool: &PgPool,
    id: JobId,
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

/// The job keeps its lease but no longer occupies a worker.
pub async fn watch(pool: &PgPool, id: JobId, owner: &str) -> Result<(), sqlx::Error> {
    sqlx::query(include_str!("../../sql/jobs/watch.sql"))
        .bind(id)
        .bind(owner)
        .execute(pool)
        .await?;
    Ok(())
}

/// The user's oldest job that could take a freed worker.
pub async fn next_waiting(
    pool: &PgPool,
    user: UserId,
    node: &str,
) -> Result<Option<JobId>, sqlx::Error> {
    sqlx::query_scalar(include_str!("../../sql/jobs/next_waiting.sql"))
        .bind(user)
        .bind(node)
        .fetch_optional(pool)
        .await
}

pub async fn finish(
    pool: &PgPool,
    id: JobId,
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
    id: JobId,
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

/// Open jobs idle for longer than `quiet` whose owner has a worker to spare (`per_user`, 0
/// for no limit), marked so that only this caller re-enqueues them.
pub async fn claim_stalled(
    pool: &PgPool,
    quiet: Duration,
    per_user: i64,
    node: &str,
) -> Result<Vec<JobId>, sqlx::Error> {
    sqlx::query_scalar(include_str!("../../sql/jobs/claim_stalled.sql"))
        .bind(quiet.as_secs_f64())
        .bind(per_user)
        .bind(node)
        .fetch_all(pool)
        .await
}
