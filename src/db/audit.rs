//! The audit log.

use chrono::{DateTime, Utc};
use serde::Serialize;
use sqlx::PgPool;
use utoipa::ToSchema;
use uuid::Uuid;

pub struct NewEntry<'a> {
    pub actor_id: Option<Uuid>,
    pub actor: Option<&'a str>,
    pub action: &'a str,
    pub target: Option<&'a str>,
    pub ip: &'a str,
    pub status: u16,
}

#[derive(Clone, Debug, Serialize, ToSchema, sqlx::FromRow)]
pub struct AuditEntry {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub actor_id: Option<Uuid>,
    pub actor: Option<String>,
    /// `METHOD /route/{pattern}`.
    pub action: String,
    pub target: Option<String>,
    pub ip: Option<String>,
    pub status: i32,
    /// success or failure.
    pub outcome: String,
    #[serde(skip)]
    pub total: i64,
}

pub async fn insert(pool: &PgPool, entry: NewEntry<'_>) -> Result<(), sqlx::Error> {
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
) -> Result<Vec<AuditEntry>, sqlx::Error> {
    sqlx::query_as(include_str!("../../sql/audit/page.sql"))
        .bind(actor_id)
        .bind(action)
        .bind(limit)
        .bind(offset)
        .fetch_all(pool)
        .await
}
