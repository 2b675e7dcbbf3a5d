//! API tokens: made, listed, revoked, and looked up by the hash of their secret.

use chrono::{DateTime, Utc};
use sqlx::PgPool;
use uuid::Uuid;

use super::users::UserRow;
use crate::model::ApiToken;

pub struct NewToken<'a> {
    pub user_id: Uuid,
    pub name: &'a str,
    pub prefix: &'a str,
    pub token_hash: &'a [u8],
    pub scopes: &'a [String],
    pub expires_at: Option<DateTime<Utc>>,
}

#[derive(sqlx::FromRow)]
pub struct TokenPrincipal {
    pub token_id: Uuid,
    pub scopes: Vec<String>,
    #[sqlx(flatten)]
    pub user: UserRow,
}

pub async fn insert(pool: &PgPool, token: NewToken<'_>) -> Result<ApiToken, sqlx::Error> {
    sqlx::query_as(include_str!("../../sql/tokens/insert.sql"))
        .bind(Uuid::new_v4())
        .bind(token.user_id)
        .bind(token.name)
        .bind(token.prefix)
        .bind(token.token_hash)
        .bind(token.scopes)
        .bind(token.expires_at)
        .fetch_one(pool)
        .await
}

pub async fn list(pool: &PgPool, user_id: Uuid) -> Result<Vec<ApiToken>, sqlx::Error> {
    sqlx::query_as(include_str!("../../sql/tokens/list.sql"))
        .bind(user_id)
        .fetch_all(pool)
        .await
}

/// Revokes a token of `user_id`'s; false when they have no such live token.
pub async fn revoke(pool: &PgPool, id: Uuid, user_id: Uuid) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(include_str!("../../sql/tokens/revoke.sql"))
        .bind(id)
        .bind(user_id)
        .execute(pool)
        .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn principal(
    pool: &PgPool,
    token_hash: &[u8],
) -> Result<Option<TokenPrincipal>, sqlx::Error> {
    sqlx::query_as(include_str!("../../sql/tokens/principal.sql"))
        .bind(token_hash)
        .fetch_optional(pool)
        .await
}

pub async fn touch(pool: &PgPool, id: Uuid) -> Result<(), sqlx::Error> {
    sqlx::query(include_str!("../../sql/tokens/touch.sql"))
        .bind(id)
        .execute(pool)
        .await?;
    Ok(())
}
