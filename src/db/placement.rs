//! The nodes placement chooses among, and the lock that makes its choice safe.

use std::time::Duration;

use sqlx::{PgConnection, PgPool};

use crate::model::{EnvironmentId, JobId};

/// A node that may take an environment, and what is already reserved on it.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Candidate {
    pub name: String,
    pub cpus: i32,
    pub memory_mb: i64,
    pub cpu_overcommit: f32,
    pub memory_overcommit: f32,
    /// Millicores.
    pub cpu_reserved: i64,
    pub memory_reserved: i64,
}

/// Which nodes: one by name, those with a label, or (both `None`) all.
pub struct Among<'a> {
    pub name: Option<&'a str>,
    pub label: Option<(&'a str, &'a str)>,
    /// Draining nodes too: they take no new environments, but theirs may start again.
    pub draining_too: bool,
}

pub async fn candidates(
    conn: &mut PgConnection,
    among: &Among<'_>,
    down_after: Duration,
) -> Result<Vec<Candidate>, sqlx::Error> {
    let (key, value) = among.label.unzip();
    sqlx::query_as(include_str!("../../sql/placement/candidates.sql"))
        .bind(down_after.as_secs_f64())
        .bind(among.name)
        .bind(key)
        .bind(value)
        .bind(among.draining_too)
        .fetch_all(conn)
        .await
}

pub async fn lock_nodes(conn: &mut PgConnection, among: &Among<'_>) -> Result<(), sqlx::Error> {
    let (key, value) = among.label.unzip();
    sqlx::query(include_str!("../../sql/placement/lock_nodes.sql"))
        .bind(among.name)
        .bind(key)
        .bind(value)
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn known(
    executor: impl sqlx::PgExecutor<'_>,
    among: &Among<'_>,
) -> Result<bool, sqlx::Error> {
    let (key, value) = among.label.unzip();
    sqlx::query_scalar(include_str!("../../sql/placement/known.sql"))
        .bind(among.name)
        .bind(key)
        .bind(value)
        .fetch_one(executor)
        .await
}

/// Frees the environments a down node was to make, so they are placed again.
pub async fn release_from_down_nodes(
    pool: &PgPool,
    down_after: Duration,
) -> Result<Vec<EnvironmentId>, sqlx::Error> {
    sqlx::query_scalar(include_str!("../../sql/placement/release_from_down.sql"))
        .bind(down_after.as_secs_f64())
        .fetch_all(pool)
        .await
}

/// Environments waiting for room, oldest first.
pub async fn unplaced(pool: &PgPool) -> Result<Vec<EnvironmentId>, sqlx::Error> {
    sqlx::query_scalar(include_str!("../../sql/placement/unplaced.sql"))
        .fetch_all(pool)
        .await
}

/// A waiting environment, locked for the transaction.
#[derive(sqlx::FromRow)]
pub struct Waiting {
    pub node_target: String,
    pub memory_mb: i32,
    pub cpu_millicores: i32,
    pub waited_too_long: bool,
}

pub async fn lock_unplaced(
    conn: &mut PgConnection,
    id: EnvironmentId,
    patience: Duration,
) -> Result<Option<Waiting>, sqlx::Error> {
    sqlx::query_as(include_str!("../../sql/placement/lock_unplaced.sql"))
        .bind(id)
        .bind(patience.as_secs_f64())
        .fetch_optional(conn)
        .await
}

/// Records the node; the environment's open job, if it still has one.
pub async fn settle(
    conn: &mut PgConnection,
    id: EnvironmentId,
    node: &str,
) -> Result<Option<JobId>, sqlx::Error> {
    sqlx::query_scalar(include_str!("../../sql/placement/settle.sql"))
        .bind(id)
        .bind(node)
        .fetch_optional(conn)
        .await
}

pub async fn give_up(pool: &PgPool, id: EnvironmentId, reason: &str) -> Result<(), sqlx::Error> {
    sqlx::query(include_str!("../../sql/placement/give_up.sql"))
        .bind(id)
        .bind(reason)
        .execute(pool)
        .await?;
    Ok(())
}
