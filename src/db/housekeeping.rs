//! Queries the housekeeper makes: expiry, idleness and drift from the engine.

use chrono::{DateTime, Utc};
use sqlx::PgPool;
use uuid::Uuid;

#[derive(Debug, sqlx::FromRow)]
pub struct Expiring {
    pub id: Uuid,
    pub user_id: Uuid,
    pub name: String,
    pub expires_at: DateTime<Utc>,
}

pub async fn warn_expiring(
    pool: &PgPool,
    within_seconds: f64,
) -> Result<Vec<Expiring>, sqlx::Error> {
    sqlx::query_as(include_str!("../../sql/housekeeping/warn_expiring.sql"))
        .bind(within_seconds)
        .fetch_all(pool)
        .await
}

/// Past their expiry and still to be handled: (id, owner is a guest).
pub async fn expired(pool: &PgPool) -> Result<Vec<(Uuid, bool)>, sqlx::Error> {
    sqlx::query_as(include_str!("../../sql/housekeeping/expired.sql"))
        .fetch_all(pool)
        .await
}

/// Idle past their timeout: (id, the timeout in seconds).
pub async fn idle(
    pool: &PgPool,
) -> Result<Vec<(Uuid, i32, crate::model::IdleAction)>, sqlx::Error> {
    sqlx::query_as(include_str!("../../sql/housekeeping/idle.sql"))
        .fetch_all(pool)
        .await
}

/// Which of `ids` have a record on node `node`.
pub async fn known_ids(pool: &PgPool, ids: &[Uuid], node: &str) -> Result<Vec<Uuid>, sqlx::Error> {
    sqlx::query_scalar(include_str!("../../sql/housekeeping/known_ids.sql"))
        .bind(ids)
        .bind(node)
        .fetch_all(pool)
        .await
}

/// Running or stopped environments on `node` (or from before nodes) untouched for
/// `quiet_seconds`: (id, status).
pub async fn settled(
    pool: &PgPool,
    quiet_seconds: f64,
    node: &str,
) -> Result<Vec<(Uuid, String)>, sqlx::Error> {
    sqlx::query_as(include_str!("../../sql/housekeeping/settled.sql"))
        .bind(quiet_seconds)
        .bind(node)
        .fetch_all(pool)
        .await
}

pub async fn set_drift(
    pool: &PgPool,
    id: Uuid,
    from: &str,
    to: &str,
    message: &str,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(include_str!("../../sql/housekeeping/set_drift.sql"))
        .bind(id)
        .bind(from)
        .bind(to)
        .bind(message)
        .execute(pool)
        .await?;
    Ok(done.rows_affected() == 1)
}
