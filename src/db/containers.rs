use chrono::{DateTime, Utc};
use sqlx::{PgConnection, PgPool};

use crate::model::{Environment, EnvironmentId, ErrorCode, Stage, Status, UserId, Workload};

pub struct NewContainer<'a> {
    pub id: EnvironmentId,
    pub user_id: UserId,
    pub name: &'a str,
    pub image: &'a str,
    pub image_ref: &'a str,
    pub role: Option<&'a str>,
    pub shell: &'a serde_json::Value,
    pub env: &'a serde_json::Value,
    pub memory_mb: i32,
    pub cpu_millicores: i32,
    pub disk_mb: i32,
    pub expires_at: Option<DateTime<Utc>>,
    pub labels: &'a serde_json::Value,
    /// Where it was placed; `None` while it waits for room on `node_target`.
    pub node: Option<&'a str>,
    pub node_target: &'a str,
    pub message: Option<&'a str>,
    pub stop_when_ready: bool,
    pub workload: &'a serde_json::Value,
}

pub const NAME_KEY: &str = "containers_user_name_key";

/// Locks the owner's row for the rest of the transaction; returns their tier.
pub async fn lock_owner(tx: &mut PgConnection, user_id: UserId) -> Result<String, sqlx::Error> {
    sqlx::query_scalar(include_str!("../../sql/containers/lock_owner.sql"))
        .bind(user_id)
        .fetch_one(tx)
        .await
}

/// Serialises the making of one user's network until `tx` ends.
pub async fn lock_network(tx: &mut PgConnection, user_id: UserId) -> Result<(), sqlx::Error> {
    sqlx::query(include_str!("../../sql/containers/lock_network.sql"))
        .bind(user_id)
        .execute(tx)
        .await
        .map(|_| ())
}

/// Of `users`, those with any environment.
pub async fn owners_with_environments<'e>(
    executor: impl sqlx::PgExecutor<'e>,
    users: &[UserId],
    node: &str,
) -> Result<Vec<UserId>, sqlx::Error> {
    sqlx::query_scalar(include_str!(
        "../../sql/containers/owners_with_environments.sql"
    ))
    .bind(users)
    .bind(node)
    .fetch_all(executor)
    .await
}

pub async fn insert(
    tx: &mut PgConnection,
    new: NewContainer<'_>,
) -> Result<Environment, sqlx::Error> {
    sqlx::query_as(include_str!("../../sql/containers/insert.sql"))
        .bind(new.id)
        .bind(new.user_id)
        .bind(new.name)
        .bind(new.image)
        .bind(new.image_ref)
        .bind(new.role)
        .bind(new.shell)
        .bind(new.env)
        .bind(new.memory_mb)
        .bind(new.cpu_millicores)
        .bind(new.disk_mb)
        .bind(new.expires_at)
        .bind(new.labels)
        .bind(new.node)
        .bind(new.node_target)
        .bind(new.message)
        .bind(new.stop_when_ready)
        .bind(new.workload)
        .fetch_one(tx)
        .await
}

pub async fn by_ref(
    pool: &PgPool,
    user_id: UserId,
    reference: &str,
) -> Result<Option<Environment>, sqlx::Error> {
    sqlx::query_as(include_str!("../../sql/containers/by_ref.sql"))
        .bind(user_id)
        .bind(reference)
        .fetch_optional(pool)
        .await
}

pub async fn by_id(pool: &PgPool, id: EnvironmentId) -> Result<Option<Environment>, sqlx::Error> {
    sqlx::query_as(include_str!("../../sql/containers/by_id.sql"))
        .bind(id)
        .fetch_optional(pool)
        .await
}

pub async fn list(pool: &PgPool, user_id: UserId) -> Result<Vec<Environment>, sqlx::Error> {
    sqlx::query_as(include_str!("../../sql/containers/list.sql"))
        .bind(user_id)
        .fetch_all(pool)
        .await
}

/// The counter of changes to `user_id`'s environments; 0 before the first.
pub async fn listing_version(pool: &PgPool, user_id: UserId) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(include_str!("../../sql/containers/listing_version.sql"))
        .bind(user_id)
        .fetch_one(pool)
        .await
}

/// Records that `stage` has begun. False when the environment is no longer being created
/// (deleted, or failed), which tells the worker to stop.
pub async fn record_stage(
    pool: &PgPool,
    id: EnvironmentId,
    stage: Stage,
    progress: i32,
    message: &str,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(include_str!("../../sql/containers/record_stage.sql"))
        .bind(id)
        .bind(stage)
        .bind(progress)
        .bind(message)
        .execute(pool)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// What the environment runs and reaches beyond its shell; empty for most.
pub async fn workload(pool: &PgPool, id: EnvironmentId) -> Result<Workload, sqlx::Error> {
    let value: Option<serde_json::Value> =
        sqlx::query_scalar(include_str!("../../sql/containers/workload.sql"))
            .bind(id)
            .fetch_optional(pool)
            .await?;
    Ok(value
        .and_then(|value| serde_json::from_value(value).ok())
        .unwrap_or_default())
}

pub async fn record_docker_id(
    pool: &PgPool,
    id: EnvironmentId,
    docker_id: &str,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(include_str!("../../sql/containers/record_docker_id.sql"))
        .bind(id)
        .bind(docker_id)
        .execute(pool)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// `None` when it was no longer being made; else whether it is to be stopped now.
pub async fn mark_ready(
    pool: &PgPool,
    id: EnvironmentId,
    message: &str,
) -> Result<Option<bool>, sqlx::Error> {
    sqlx::query_scalar(include_str!("../../sql/containers/mark_ready.sql"))
        .bind(id)
        .bind(message)
        .fetch_optional(pool)
        .await
}

pub async fn mark_error(
    pool: &PgPool,
    id: EnvironmentId,
    message: &str,
    code: Option<ErrorCode>,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(include_str!("../../sql/containers/mark_error.sql"))
        .bind(id)
        .bind(message)
        .bind(code.map(ErrorCode::as_str))
        .execute(pool)
        .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn mark_deleting(
    pool: &PgPool,
    id: EnvironmentId,
) -> Result<Option<Environment>, sqlx::Error> {
    sqlx::query_as(include_str!("../../sql/containers/mark_deleting.sql"))
        .bind(id)
        .fetch_optional(pool)
        .await
}

pub async fn delete(pool: &PgPool, id: EnvironmentId) -> Result<(), sqlx::Error> {
    sqlx::query(include_str!("../../sql/containers/delete.sql"))
        .bind(id)
        .execute(pool)
        .await?;
    Ok(())
}

pub async fn count_by_status(pool: &PgPool) -> Result<Vec<(Status, i64)>, sqlx::Error> {
    sqlx::query_as(include_str!("../../sql/containers/count_by_status.sql"))
        .fetch_all(pool)
        .await
}

/// Environments whose delete could not remove their container and has waited `quiet`.
pub async fn stuck_deleting(
    pool: &PgPool,
    quiet: std::time::Duration,
    node: &str,
) -> Result<Vec<EnvironmentId>, sqlx::Error> {
    sqlx::query_scalar(include_str!("../../sql/containers/stuck_deleting.sql"))
        .bind(quiet.as_secs_f64())
        .bind(node)
        .fetch_all(pool)
        .await
}

/// Moves an environment to `to` if it is in one of `from`: a delete that got there first wins.
pub async fn set_status(
    pool: &PgPool,
    id: EnvironmentId,
    from: &[Status],
    to: Status,
) -> Result<bool, sqlx::Error> {
    let from: Vec<&str> = from.iter().map(|status| status.as_str()).collect();
    let done = sqlx::query(include_str!("../../sql/containers/set_status.sql"))
        .bind(id)
        .bind(from)
        .bind(to)
        .execute(pool)
        .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn touch(pool: &PgPool, id: EnvironmentId) -> Result<(), sqlx::Error> {
    sqlx::query(include_str!("../../sql/containers/touch.sql"))
        .bind(id)
        .execute(pool)
        .await?;
    Ok(())
}

/// Stops `user_id`'s environments still being created; returns their ids.
pub async fn halt_creating(
    pool: &PgPool,
    user_id: UserId,
    message: &str,
) -> Result<Vec<EnvironmentId>, sqlx::Error> {
    sqlx::query_scalar(include_str!("../../sql/containers/halt_creating.sql"))
        .bind(user_id)
        .bind(message)
        .fetch_all(pool)
        .await
}
