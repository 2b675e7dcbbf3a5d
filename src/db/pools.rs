//! Warm pools and their members; the claim that hands one member to a create.

use std::time::Duration;

use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

use crate::model::{Environment, EnvironmentId, Pool, PoolMember, PoolShape};

pub struct NewPool<'a> {
    pub id: Uuid,
    pub node: &'a str,
    pub image: &'a str,
    pub role: &'a str,
    pub tier: &'a str,
    pub size: i32,
}

/// Every pool, or the one with `id`.
pub async fn list(pool: &PgPool, id: Option<Uuid>) -> Result<Vec<Pool>, sqlx::Error> {
    sqlx::query_as(include_str!("../../sql/pools/list.sql"))
        .bind(id)
        .fetch_all(pool)
        .await
}

pub async fn insert(pool: &PgPool, new: NewPool<'_>) -> Result<(), sqlx::Error> {
    write_pool(pool, include_str!("../../sql/pools/insert.sql"), new).await
}

/// Runs `sql` with a new pool's six fields as $1-$6.
async fn write_pool(pool: &PgPool, sql: &str, new: NewPool<'_>) -> Result<(), sqlx::Error> {
    sqlx::query(sql)
        .bind(new.id)
        .bind(new.node)
        .bind(new.image)
        .bind(new.role)
        .bind(new.tier)
        .bind(new.size)
        .execute(pool)
        .await
        .map(|_| ())
}

/// False when there is no such pool.
pub async fn resize(pool: &PgPool, id: Uuid, size: i32) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(include_str!("../../sql/pools/resize.sql"))
        .bind(id)
        .bind(size)
        .execute(pool)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// False when there is no such pool.
pub async fn delete(pool: &PgPool, id: Uuid) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(include_str!("../../sql/pools/delete.sql"))
        .bind(id)
        .execute(pool)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// The default pool of a node, at its first registration only.
pub async fn seed(pool: &PgPool, new: NewPool<'_>) -> Result<(), sqlx::Error> {
    write_pool(pool, include_str!("../../sql/pools/seed.sql"), new).await
}

pub async fn of_node(pool: &PgPool, node: &str) -> Result<Vec<PoolShape>, sqlx::Error> {
    sqlx::query_as(include_str!("../../sql/pools/of_node.sql"))
        .bind(node)
        .fetch_all(pool)
        .await
}

pub async fn members_of_node(pool: &PgPool, node: &str) -> Result<Vec<PoolMember>, sqlx::Error> {
    sqlx::query_as(include_str!("../../sql/pools/members_of_node.sql"))
        .bind(node)
        .fetch_all(pool)
        .await
}

/// Whether users' environments are being made on `node`, or one was made or taken there
/// within `lately` (the pools wait for them).
pub async fn node_busy(pool: &PgPool, node: &str, lately: Duration) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar(include_str!("../../sql/pools/busy.sql"))
        .bind(node)
        .bind(lately.as_secs_f64())
        .fetch_one(pool)
        .await
}

/// A member about to be made, recorded first so housekeeping knows its container as ours.
pub struct NewMember<'a> {
    pub id: Uuid,
    pub pool: &'a PoolShape,
    pub node: &'a str,
    pub image_ref: &'a str,
}

pub async fn add_member(pool: &PgPool, new: NewMember<'_>) -> Result<(), sqlx::Error> {
    sqlx::query(include_str!("../../sql/pools/add_member.sql"))
        .bind(new.id)
        .bind(new.pool.id)
        .bind(new.node)
        .bind(&new.pool.image)
        .bind(new.image_ref)
        .bind(&new.pool.role)
        .bind(new.pool.memory_mb)
        .bind(new.pool.cpu_millicores)
        .bind(new.pool.disk_mb)
        .execute(pool)
        .await
        .map(|_| ())
}

/// False when the member was removed while it was made.
pub async fn member_ready(pool: &PgPool, id: Uuid, docker_id: &str) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(include_str!("../../sql/pools/member_ready.sql"))
        .bind(id)
        .bind(docker_id)
        .execute(pool)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// False when there was no such member: a create took it, or it was removed already.
pub async fn remove_member(pool: &PgPool, id: Uuid) -> Result<bool, sqlx::Error> {
    let removed: Option<Uuid> =
        sqlx::query_scalar(include_str!("../../sql/pools/remove_member.sql"))
            .bind(id)
            .fetch_optional(pool)
            .await?;
    Ok(removed.is_some())
}

/// The shape a create asks for, as a member records it.
pub struct Wanted<'a> {
    pub image: &'a str,
    pub image_ref: &'a str,
    pub role: &'a str,
    pub memory_mb: i32,
    pub cpu_millicores: i32,
    pub disk_mb: i32,
    /// A node's name, or a label `(key, value)`, when the create named one.
    pub node: Option<&'a str>,
    pub label: Option<(&'a str, &'a str)>,
}

/// A member handed to a create: its id becomes the environment's.
#[derive(Debug, sqlx::FromRow)]
pub struct Claimed {
    pub id: Uuid,
    pub node: String,
    pub docker_id: Option<String>,
}

pub async fn claim(
    tx: &mut PgConnection,
    wanted: &Wanted<'_>,
    down_after: Duration,
) -> Result<Option<Claimed>, sqlx::Error> {
    sqlx::query_as(include_str!("../../sql/pools/claim.sql"))
        .bind(wanted.image_ref)
        .bind(wanted.role)
        .bind(wanted.memory_mb)
        .bind(wanted.cpu_millicores)
        .bind(wanted.disk_mb)
        .bind(wanted.image)
        .bind(down_after.as_secs_f64())
        .bind(wanted.node)
        .bind(wanted.label.map(|(key, _)| key))
        .bind(wanted.label.map(|(_, value)| value))
        .fetch_optional(tx)
        .await
}

/// Records on the row inserted for a claimed member that only joining its network is left.
pub async fn mark_claimed(
    tx: &mut PgConnection,
    id: EnvironmentId,
    docker_id: Option<&str>,
    message: &str,
) -> Result<Environment, sqlx::Error> {
    sqlx::query_as(include_str!("../../sql/containers/mark_claimed.sql"))
        .bind(id)
        .bind(docker_id)
        .bind(message)
        .fetch_one(tx)
        .await
}

pub async fn from_pool(pool: &PgPool, id: EnvironmentId) -> Result<bool, sqlx::Error> {
    let taken: Option<bool> =
        sqlx::query_scalar(include_str!("../../sql/containers/from_pool.sql"))
            .bind(id)
            .fetch_optional(pool)
            .await?;
    Ok(taken.unwrap_or(false))
}

/// False when the environment is no longer being created.
pub async fn unclaim(pool: &PgPool, id: EnvironmentId) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(include_str!("../../sql/containers/unclaim.sql"))
        .bind(id)
        .execute(pool)
        .await?;
    Ok(done.rows_affected() == 1)
}
