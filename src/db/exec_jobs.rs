//! Recorded exec jobs.

use chrono::{DateTime, Utc};
use serde_json::Value;
use sqlx::PgPool;
use uuid::Uuid;

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct ExecJobRow {
    pub id: Uuid,
    pub user_id: Uuid,
    pub container_id: Uuid,
    pub request: Value,
    pub status: String,
    pub results: Value,
    pub created_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
}

pub async fn insert(
    pool: &PgPool,
    id: Uuid,
    user_id: Uuid,
    container_id: Uuid,
    request: &Value,
) -> Result<(), sqlx::Error> {
    sqlx::query(include_str!("../../sql/exec_jobs/insert.sql"))
        .bind(id)
        .bind(user_id)
        .bind(container_id)
        .bind(request)
        .execute(pool)
        .await?;
    Ok(())
}

pub async fn finish(
    pool: &PgPool,
    id: Uuid,
    status: &str,
    results: &Value,
) -> Result<(), sqlx::Error> {
    sqlx::query(include_str!("../../sql/exec_jobs/finish.sql"))
        .bind(id)
        .bind(status)
        .bind(results)
        .execute(pool)
        .await?;
    Ok(())
}

/// The job if `user_id` owns it.
pub async fn by_id(
    pool: &PgPool,
    id: Uuid,
    user_id: Uuid,
) -> Result<Option<ExecJobRow>, sqlx::Error> {
    sqlx::query_as(include_str!("../../sql/exec_jobs/by_id.sql"))
        .bind(id)
        .bind(user_id)
        .fetch_optional(pool)
        .await
}
