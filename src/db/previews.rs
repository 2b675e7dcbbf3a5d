//! Public ports and share links of environments' previews.

use chrono::{DateTime, Utc};
use sqlx::PgPool;
use uuid::Uuid;

use crate::model::PreviewShare;

pub async fn set_public(
    pool: &PgPool,
    container_id: Uuid,
    port: u16,
    public: bool,
) -> Result<(), sqlx::Error> {
    let sql = if public {
        include_str!("../../sql/previews/make_public.sql")
    } else {
        include_str!("../../sql/previews/make_private.sql")
    };
    sqlx::query(sql)
        .bind(container_id)
        .bind(i32::from(port))
        .execute(pool)
        .await?;
    Ok(())
}

pub async fn public_ports(pool: &PgPool, container_id: Uuid) -> Result<Vec<u16>, sqlx::Error> {
    let ports: Vec<i32> = sqlx::query_scalar(include_str!("../../sql/previews/public_ports.sql"))
        .bind(container_id)
        .fetch_all(pool)
        .await?;
    Ok(ports
        .into_iter()
        .filter_map(|port| u16::try_from(port).ok())
        .collect())
}

pub async fn insert_share(
    pool: &PgPool,
    container_id: Uuid,
    port: u16,
    expires_at: DateTime<Utc>,
) -> Result<PreviewShare, sqlx::Error> {
    sqlx::query_as(include_str!("../../sql/previews/insert_share.sql"))
        .bind(Uuid::new_v4())
        .bind(container_id)
        .bind(i32::from(port))
        .bind(expires_at)
        .fetch_one(pool)
        .await
}

pub async fn shares(pool: &PgPool, container_id: Uuid) -> Result<Vec<PreviewShare>, sqlx::Error> {
    sqlx::query_as(include_str!("../../sql/previews/shares.sql"))
        .bind(container_id)
        .fetch_all(pool)
        .await
}

/// Revokes a share of the container; false when it has no such share.
pub async fn revoke_share(
    pool: &PgPool,
    id: Uuid,
    container_id: Uuid,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(include_str!("../../sql/previews/revoke_share.sql"))
        .bind(id)
        .bind(container_id)
        .execute(pool)
        .await?;
    Ok(done.rows_affected() > 0)
}

pub async fn share_in_force(pool: &PgPool, id: Uuid) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar(include_str!("../../sql/previews/share_in_force.sql"))
        .bind(id)
        .fetch_one(pool)
        .await
}

/// Forgets up to `batch` shares that ended over a day ago.
pub async fn prune_shares(pool: &PgPool, batch: i64) -> Result<u64, sqlx::Error> {
    let done = sqlx::query(include_str!("../../sql/previews/prune_shares.sql"))
        .bind(batch)
        .execute(pool)
        .await?;
    Ok(done.rows_affected())
}
