//! Queries only administration makes: across users, and on their limits and credentials.

use chrono::{DateTime, Utc};
use sqlx::PgPool;
use uuid::Uuid;

use super::users::UserRow;
use super::Counted;
use crate::model::{Environment, LimitOverrides};

/// A user with how many environments they hold.
#[derive(Debug, sqlx::FromRow)]
pub struct UserListing {
    #[sqlx(flatten)]
    pub user: UserRow,
    pub containers_used: i64,
}

pub const USER_TIER_KEY: &str = "users_tier_fkey";

pub async fn search_users(
    pool: &PgPool,
    query: Option<&str>,
    tier: Option<&str>,
    limit: i64,
    offset: i64,
) -> Result<Vec<Counted<UserListing>>, sqlx::Error> {
    sqlx::query_as(include_str!("../../sql/admin/users_search.sql"))
        .bind(query)
        .bind(tier)
        .bind(limit)
        .bind(offset)
        .fetch_all(pool)
        .await
}

pub async fn user_listing(
    pool: &PgPool,
    user_id: Uuid,
) -> Result<Option<UserListing>, sqlx::Error> {
    sqlx::query_as(include_str!("../../sql/admin/user_listing.sql"))
        .bind(user_id)
        .fetch_optional(pool)
        .await
}

/// Whether the user exists; a tier that does not fails on `USER_TIER_KEY`.
pub async fn set_tier(pool: &PgPool, user_id: Uuid, tier: &str) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(include_str!("../../sql/admin/set_tier.sql"))
        .bind(user_id)
        .bind(tier)
        .execute(pool)
        .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn set_disabled(
    pool: &PgPool,
    user_id: Uuid,
    disabled: bool,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(include_str!("../../sql/admin/set_disabled.sql"))
        .bind(user_id)
        .bind(disabled)
        .execute(pool)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// Revokes every session and API token of the user; returns how many.
pub async fn revoke_credentials(pool: &PgPool, user_id: Uuid) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(include_str!("../../sql/admin/revoke_credentials.sql"))
        .bind(user_id)
        .fetch_one(pool)
        .await
}

pub async fn limits(pool: &PgPool, user_id: Uuid) -> Result<Option<LimitOverrides>, sqlx::Error> {
    sqlx::query_as(include_str!("../../sql/admin/limits.sql"))
        .bind(user_id)
        .fetch_optional(pool)
        .await
}

pub async fn set_limits(
    pool: &PgPool,
    user_id: Uuid,
    limits: &LimitOverrides,
) -> Result<(), sqlx::Error> {
    sqlx::query(include_str!("../../sql/admin/set_limits.sql"))
        .bind(user_id)
        .bind(limits.max_containers)
        .bind(limits.memory_mb_min)
        .bind(limits.memory_mb_default)
        .bind(limits.memory_mb_max)
        .bind(limits.cpu_millicores_min)
        .bind(limits.cpu_millicores_default)
        .bind(limits.cpu_millicores_max)
        .bind(limits.disk_mb_min)
        .bind(limits.disk_mb_default)
        .bind(limits.disk_mb_max)
        .bind(limits.session_limit_seconds)
        .bind(limits.idle_timeout_seconds)
        .bind(&limits.allowed_images)
        .execute(pool)
        .await?;
    Ok(())
}

pub async fn clear_limits(pool: &PgPool, user_id: Uuid) -> Result<(), sqlx::Error> {
    sqlx::query(include_str!("../../sql/admin/clear_limits.sql"))
        .bind(user_id)
        .execute(pool)
        .await?;
    Ok(())
}

/// An environment with its owner's name and tier, and when it was last used.
#[derive(Debug, sqlx::FromRow)]
pub struct OwnedEnvironment {
    #[sqlx(flatten)]
    pub environment: Environment,
    pub username: String,
    pub tier: String,
    pub last_activity_at: DateTime<Utc>,
}

/// Filters on the environments list; each absent one matches everything.
#[derive(Debug, Default)]
pub struct EnvironmentFilter<'a> {
    pub user_id: Option<Uuid>,
    pub status: Option<&'a str>,
    pub tier: Option<&'a str>,
    pub image: Option<&'a str>,
}

pub async fn environments(
    pool: &PgPool,
    filter: &EnvironmentFilter<'_>,
    limit: i64,
    offset: i64,
) -> Result<Vec<Counted<OwnedEnvironment>>, sqlx::Error> {
    sqlx::query_as(include_str!("../../sql/admin/environments.sql"))
        .bind(filter.user_id)
        .bind(filter.status)
        .bind(filter.tier)
        .bind(filter.image)
        .bind(limit)
        .bind(offset)
        .fetch_all(pool)
        .await
}

pub async fn counts_by_tier(pool: &PgPool) -> Result<Vec<(String, i64)>, sqlx::Error> {
    sqlx::query_as(include_str!("../../sql/admin/counts_by_tier.sql"))
        .fetch_all(pool)
        .await
}

/// Memory MB, CPU millicores and disk MB given to running environments.
pub async fn allocated(pool: &PgPool) -> Result<(i64, i64, i64), sqlx::Error> {
    sqlx::query_as(include_str!("../../sql/admin/allocated.sql"))
        .fetch_one(pool)
        .await
}
