//! The audit log.

use sqlx::PgPool;
use uuid::Uuid;

use super::Counted;
use crate::model::{AuditEntry, NewAuditEntry};

pub async fn insert(pool: &PgPool, entry: NewAuditEntry<'_>) -> Result<(), sqlx::Error> {
    let outcome = if entry.status < 400 {
        "success"
    } else {
        "failure"
    };
    sqlx::query(include_str!("../../sql/audit/insert.sql"))
        .bind(entry.actor_id)
        .bind(entry.actor)
        .bind(entry.action)
        .bind(entry.target)
        .bind(entry.ip)
        .bind(i32::from(entry.status))
        .bind(outcome)
        .execute(pool)
        .await?;
    Ok(())
}

pub async fn page(
    pool: &PgPool,
    actor_id: Option<Uuid>,
    action: Option<&str>,
    limit: i64,
    offset: i64,
) -> Result<Vec<Counted<AuditEntry>>, sqlx::Error> {
    sqlx::query_as(include_str!("../../sql/audit/page.sql"))
        .bind(actor_id)
        .bind(action)
        .bind(limit)
        .bind(offset)
        .fetch_all(pool)
        .await
}
