//! Tiers, and the limits that apply to a user.

use sqlx::PgPool;

use crate::model::egress::EgressPolicy;
use crate::model::{Tier, UserId};

pub async fn get(pool: &PgPool, name: &str) -> Result<Option<Tier>, sqlx::Error> {
    sqlx::query_as(include_str!("../../sql/tiers/get.sql"))
        .bind(name)
        .fetch_optional(pool)
        .await
}

pub async fn list(pool: &PgPool) -> Result<Vec<Tier>, sqlx::Error> {
    sqlx::query_as(include_str!("../../sql/tiers/list.sql"))
        .fetch_all(pool)
        .await
}

/// The limits that apply to a user: their tier's, with their own overrides on top.
pub async fn for_user<'e>(
    executor: impl sqlx::PgExecutor<'e>,
    user_id: uuid::Uuid,
) -> Result<Option<Tier>, sqlx::Error> {
    sqlx::query_as(include_str!("../../sql/tiers/for_user.sql"))
        .bind(user_id)
        .fetch_optional(executor)
        .await
}

pub const IN_USE_KEY: &str = "users_tier_fkey";

pub async fn insert(pool: &PgPool, tier: &Tier) -> Result<Tier, sqlx::Error> {
    bind_all(
        sqlx::query_as(include_str!("../../sql/tiers/insert.sql")),
        tier,
    )
    .fetch_one(pool)
    .await
}

pub async fn update(pool: &PgPool, tier: &Tier) -> Result<Option<Tier>, sqlx::Error> {
    bind_all(
        sqlx::query_as(include_str!("../../sql/tiers/update.sql")),
        tier,
    )
    .fetch_optional(pool)
    .await
}

/// Whether a tier was deleted; a tier users are on fails on `IN_USE_KEY`.
pub async fn delete(pool: &PgPool, name: &str) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(include_str!("../../sql/tiers/delete.sql"))
        .bind(name)
        .execute(pool)
        .await?;
    Ok(done.rows_affected() == 1)
}

type TierQuery<'q> = sqlx::query::QueryAs<'q, sqlx::Postgres, Tier, sqlx::postgres::PgArguments>;

fn bind_all<'q>(query: TierQuery<'q>, tier: &'q Tier) -> TierQuery<'q> {
    query
        .bind(&tier.name)
        .bind(tier.max_containers)
        .bind(tier.memory_mb_min)
        .bind(tier.memory_mb_default)
        .bind(tier.memory_mb_max)
        .bind(tier.cpu_millicores_min)
        .bind(tier.cpu_millicores_default)
        .bind(tier.cpu_millicores_max)
        .bind(tier.disk_mb_min)
        .bind(tier.disk_mb_default)
        .bind(tier.disk_mb_max)
        .bind(tier.session_limit_seconds)
        .bind(tier.idle_timeout_seconds)
        .bind(&tier.allowed_images)
        .bind(sqlx::types::Json(&tier.egress))
        .bind(&tier.node_targets)
        .bind(tier.idle_action)
        .bind(tier.snapshots_max)
        .bind(tier.snapshot_storage_mb_max)
}

/// The egress policy of each of `users`' tiers; a user not found has none.
pub async fn egress_of(
    pool: &PgPool,
    users: &[UserId],
) -> Result<Vec<(UserId, sqlx::types::Json<EgressPolicy>)>, sqlx::Error> {
    sqlx::query_as(include_str!("../../sql/tiers/egress_of.sql"))
        .bind(users)
        .fetch_all(pool)
        .await
}
