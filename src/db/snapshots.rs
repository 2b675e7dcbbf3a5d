//! Snapshots and what they hold against their owner's quota.

use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

use crate::model::{EnvironmentId, Snapshot, UserId};

pub const NAME_KEY: &str = "snapshots_user_name_key";

pub struct NewSnapshot<'a> {
    pub id: Uuid,
    pub user_id: UserId,
    pub name: &'a str,
    pub image_ref: &'a str,
    pub container_id: EnvironmentId,
    pub container_name: &'a str,
    pub node: Option<&'a str>,
}

/// How many snapshots a user has and the bytes they hold, leaving out `except`.
#[derive(Debug, Clone, Copy, sqlx::FromRow)]
pub struct Usage {
    pub count: i64,
    pub bytes: i64,
}

pub async fn reserve(tx: &mut PgConnection, new: &NewSnapshot<'_>) -> Result<(), sqlx::Error> {
    sqlx::query(include_str!("../../sql/snapshots/reserve.sql"))
        .bind(new.id)
        .bind(new.user_id)
        .bind(new.name)
        .bind(new.image_ref)
        .bind(new.container_id)
        .bind(new.container_name)
        .bind(new.node)
        .execute(tx)
        .await
        .map(|_| ())
}

pub async fn purge_stale(tx: &mut PgConnection, user_id: UserId) -> Result<(), sqlx::Error> {
    sqlx::query(include_str!("../../sql/snapshots/purge_stale.sql"))
        .bind(user_id)
        .execute(tx)
        .await
        .map(|_| ())
}

pub async fn usage(
    tx: &mut PgConnection,
    user_id: UserId,
    except: Uuid,
) -> Result<Usage, sqlx::Error> {
    sqlx::query_as(include_str!("../../sql/snapshots/usage.sql"))
        .bind(user_id)
        .bind(except)
        .fetch_one(tx)
        .await
}

pub async fn measured(tx: &mut PgConnection, id: Uuid, bytes: i64) -> Result<(), sqlx::Error> {
    sqlx::query(include_str!("../../sql/snapshots/measured.sql"))
        .bind(id)
        .bind(bytes)
        .execute(tx)
        .await
        .map(|_| ())
}

pub async fn complete(
    pool: &PgPool,
    id: Uuid,
    digest: Option<&str>,
) -> Result<Snapshot, sqlx::Error> {
    sqlx::query_as(include_str!("../../sql/snapshots/complete.sql"))
        .bind(id)
        .bind(digest)
        .fetch_one(pool)
        .await
}

pub async fn delete<'e>(executor: impl sqlx::PgExecutor<'e>, id: Uuid) -> Result<(), sqlx::Error> {
    sqlx::query(include_str!("../../sql/snapshots/delete.sql"))
        .bind(id)
        .execute(executor)
        .await
        .map(|_| ())
}

pub async fn list(pool: &PgPool, user_id: UserId) -> Result<Vec<Snapshot>, sqlx::Error> {
    sqlx::query_as(include_str!("../../sql/snapshots/list.sql"))
        .bind(user_id)
        .fetch_all(pool)
        .await
}

/// One of the user's snapshots by id or name.
pub async fn by_ref<'e>(
    executor: impl sqlx::PgExecutor<'e>,
    user_id: UserId,
    reference: &str,
) -> Result<Option<Snapshot>, sqlx::Error> {
    sqlx::query_as(include_str!("../../sql/snapshots/by_ref.sql"))
        .bind(user_id)
        .bind(reference)
        .fetch_optional(executor)
        .await
}

/// Whether an environment is being made from `image_ref` right now.
pub async fn in_use(tx: &mut PgConnection, image_ref: &str) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar(include_str!("../../sql/snapshots/in_use.sql"))
        .bind(image_ref)
        .fetch_one(tx)
        .await
}

/// Whether the user still has the snapshot whose image is `image_ref`.
pub async fn still_there(
    tx: &mut PgConnection,
    user_id: UserId,
    image_ref: &str,
) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar(include_str!("../../sql/snapshots/still_there.sql"))
        .bind(user_id)
        .bind(image_ref)
        .fetch_one(tx)
        .await
}
