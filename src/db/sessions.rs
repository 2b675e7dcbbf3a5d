use chrono::{DateTime, Utc};
use sqlx::PgPool;
use uuid::Uuid;

use super::users::UserRow;

pub async fn insert(
    pool: &PgPool,
    id: Uuid,
    user_id: Uuid,
    ip: Option<&str>,
    expires_at: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    sqlx::query(include_str!("../../sql/sessions/insert.sql"))
        .bind(id)
        .bind(user_id)
        .bind(ip)
        .bind(expires_at)
        .execute(pool)
        .await?;
    Ok(())
}

pub async fn revoke(pool: &PgPool, id: Uuid) -> Result<(), sqlx::Error> {
    sqlx::query(include_str!("../../sql/sessions/revoke.sql"))
        .bind(id)
        .execute(pool)
        .await?;
    Ok(())
}

/// The user a live session belongs to.
pub async fn principal(
    pool: &PgPool,
    session_id: Uuid,
    user_id: Uuid,
) -> Result<Option<UserRow>, sqlx::Error> {
    sqlx::query_as(include_str!("../../sql/sessions/principal.sql"))
        .bind(session_id)
        .bind(user_id)
        .fetch_optional(pool)
        .await
}
