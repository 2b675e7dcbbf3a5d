//! The nodes: registered, kept alive, listed, and edited, drained and removed by admins.

use std::time::Duration;

use sqlx::{PgConnection, PgPool};

use crate::model::Node;

pub struct NewNode<'a> {
    pub name: &'a str,
    pub engine: &'a str,
    pub labels: &'a serde_json::Value,
    pub cpus: i32,
    pub memory_mb: i64,
    pub version: &'a str,
    pub cpu_overcommit: f32,
    pub memory_overcommit: f32,
    pub disk_mb: Option<i64>,
}

pub async fn register(pool: &PgPool, node: NewNode<'_>) -> Result<(), sqlx::Error> {
    sqlx::query(include_str!("../../sql/nodes/register.sql"))
        .bind(node.name)
        .bind(node.engine)
        .bind(node.labels)
        .bind(node.cpus)
        .bind(node.memory_mb)
        .bind(node.version)
        .bind(node.cpu_overcommit)
        .bind(node.memory_overcommit)
        .bind(node.disk_mb)
        .execute(pool)
        .await?;
    Ok(())
}

/// False when the node is no longer registered (an admin removed it).
pub async fn heartbeat(pool: &PgPool, name: &str) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(include_str!("../../sql/nodes/heartbeat.sql"))
        .bind(name)
        .execute(pool)
        .await?;
    Ok(done.rows_affected() > 0)
}

/// Every node, `down` when its heartbeat is older than `down_after`.
pub async fn list(pool: &PgPool, down_after: Duration) -> Result<Vec<Node>, sqlx::Error> {
    sqlx::query_as(include_str!("../../sql/nodes/list.sql"))
        .bind(None::<&str>)
        .bind(down_after.as_secs_f64())
        .fetch_all(pool)
        .await
}

/// The node called `name`, as [`list`] shows it.
pub async fn get(
    pool: &PgPool,
    name: &str,
    down_after: Duration,
) -> Result<Option<Node>, sqlx::Error> {
    sqlx::query_as(include_str!("../../sql/nodes/list.sql"))
        .bind(name)
        .bind(down_after.as_secs_f64())
        .fetch_optional(pool)
        .await
}

/// An admin's edit of a node; `None` leaves that part as it is.
pub struct NodeEdit<'a> {
    pub labels: Option<&'a serde_json::Value>,
    pub cpu_overcommit: Option<f32>,
    pub memory_overcommit: Option<f32>,
}

/// False when no node goes by that name.
pub async fn edit(pool: &PgPool, name: &str, edit: NodeEdit<'_>) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(include_str!("../../sql/nodes/edit.sql"))
        .bind(name)
        .bind(edit.labels)
        .bind(edit.cpu_overcommit)
        .bind(edit.memory_overcommit)
        .execute(pool)
        .await?;
    Ok(done.rows_affected() > 0)
}

/// False when no node goes by that name.
pub async fn set_draining(pool: &PgPool, name: &str, draining: bool) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(include_str!("../../sql/nodes/set_draining.sql"))
        .bind(name)
        .bind(draining)
        .execute(pool)
        .await?;
    Ok(done.rows_affected() > 0)
}

/// Holds the node for the transaction; whether it is draining, `None` when there is none.
pub async fn lock(conn: &mut PgConnection, name: &str) -> Result<Option<bool>, sqlx::Error> {
    sqlx::query_scalar(include_str!("../../sql/nodes/lock.sql"))
        .bind(name)
        .fetch_optional(conn)
        .await
}

/// How many environments live on the node, whatever their status.
pub async fn occupants(conn: &mut PgConnection, name: &str) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(include_str!("../../sql/nodes/occupants.sql"))
        .bind(name)
        .fetch_one(conn)
        .await
}

pub async fn delete(conn: &mut PgConnection, name: &str) -> Result<(), sqlx::Error> {
    sqlx::query(include_str!("../../sql/nodes/delete.sql"))
        .bind(name)
        .execute(conn)
        .await?;
    Ok(())
}

/// Gives the environments made before nodes existed to node `name`; how many.
pub async fn adopt(pool: &PgPool, name: &str) -> Result<u64, sqlx::Error> {
    let mut tx = pool.begin().await?;
    let done = sqlx::query(include_str!("../../sql/nodes/adopt.sql"))
        .bind(name)
        .execute(&mut *tx)
        .await?;
    sqlx::query(include_str!("../../sql/nodes/adopt_subnets.sql"))
        .bind(name)
        .execute(&mut *tx)
        .await?;
    sqlx::query(include_str!("../../sql/nodes/adopt_images.sql"))
        .bind(name)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(done.rows_affected())
}

/// Where a node's engine answers, and whether the node is down.
#[derive(sqlx::FromRow)]
pub struct Engine {
    pub engine: String,
    pub down: bool,
}

/// The node's engine; `None` when no node goes by that name.
pub async fn engine(
    pool: &PgPool,
    name: &str,
    down_after: Duration,
) -> Result<Option<Engine>, sqlx::Error> {
    sqlx::query_as(include_str!("../../sql/nodes/engine.sql"))
        .bind(name)
        .bind(down_after.as_secs_f64())
        .fetch_optional(pool)
        .await
}

/// The names of the nodes that are down.
pub async fn down(pool: &PgPool, down_after: Duration) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query_scalar(include_str!("../../sql/nodes/down.sql"))
        .bind(down_after.as_secs_f64())
        .fetch_all(pool)
        .await
}
