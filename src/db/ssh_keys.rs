//! SSH keys: added, listed, deleted, and looked up by fingerprint when a client signs in.

use sqlx::PgPool;
use uuid::Uuid;

use super::users::UserRow;
use crate::model::SshKey;

/// The unique index a second registration of the same key runs into.
pub const FINGERPRINT_KEY: &str = "ssh_keys_fingerprint_key";

pub struct NewSshKey<'a> {
    pub user_id: Uuid,
    pub name: &'a str,
    pub algorithm: &'a str,
    pub fingerprint: &'a str,
    pub public_key: &'a str,
}

#[derive(sqlx::FromRow)]
pub struct KeyPrincipal {
    pub key_id: Uuid,
    #[sqlx(flatten)]
    pub user: UserRow,
}

pub async fn insert(pool: &PgPool, key: NewSshKey<'_>) -> Result<SshKey, sqlx::Error> {
    sqlx::query_as(include_str!("../../sql/ssh_keys/insert.sql"))
        .bind(Uuid::new_v4())
        .bind(key.user_id)
        .bind(key.name)
        .bind(key.algorithm)
        .bind(key.fingerprint)
        .bind(key.public_key)
        .fetch_one(pool)
        .await
}

pub async fn list(pool: &PgPool, user_id: Uuid) -> Result<Vec<SshKey>, sqlx::Error> {
    sqlx::query_as(include_str!("../../sql/ssh_keys/list.sql"))
        .bind(user_id)
        .fetch_all(pool)
        .await
}

/// Deletes a key of `user_id`'s; false when they have no such key.
pub async fn delete(pool: &PgPool, id: Uuid, user_id: Uuid) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(include_str!("../../sql/ssh_keys/delete.sql"))
        .bind(id)
        .bind(user_id)
        .execute(pool)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// The key with this fingerprint and its user, while the user may act.
pub async fn principal(
    pool: &PgPool,
    fingerprint: &str,
) -> Result<Option<KeyPrincipal>, sqlx::Error> {
    sqlx::query_as(include_str!("../../sql/ssh_keys/principal.sql"))
        .bind(fingerprint)
        .fetch_optional(pool)
        .await
}

pub async fn touch(pool: &PgPool, id: Uuid) -> Result<(), sqlx::Error> {
    sqlx::query(include_str!("../../sql/ssh_keys/touch.sql"))
        .bind(id)
        .execute(pool)
        .await?;
    Ok(())
}
