//! Images sandboxd pulled for custom environments (see migrations/*_capacity.sql), so that
//! housekeeping removes those and only those once nothing uses them.

use std::time::Duration;

use sqlx::PgPool;

/// `reference` was pulled on `node` for a custom environment just now.
pub async fn pulled(pool: &PgPool, reference: &str, node: &str) -> Result<(), sqlx::Error> {
    sqlx::query(include_str!("../../sql/images/pulled.sql"))
        .bind(reference)
        .bind(node)
        .execute(pool)
        .await
        .map(|_| ())
}

/// An environment is being made from `reference` on `node`; nothing when sandboxd did not
/// pull it there.
pub async fn used(pool: &PgPool, reference: &str, node: &str) -> Result<(), sqlx::Error> {
    sqlx::query(include_str!("../../sql/images/used.sql"))
        .bind(reference)
        .bind(node)
        .execute(pool)
        .await
        .map(|_| ())
}

/// Up to `limit` images pulled on `node` that no environment was made from for `unused`,
/// oldest first.
pub async fn unused(
    pool: &PgPool,
    unused: Duration,
    limit: i64,
    node: &str,
) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query_scalar(include_str!("../../sql/images/unused.sql"))
        .bind(unused.as_secs_f64())
        .bind(limit)
        .bind(node)
        .fetch_all(pool)
        .await
}

/// `reference` is gone from `node`'s engine.
pub async fn forget(pool: &PgPool, reference: &str, node: &str) -> Result<(), sqlx::Error> {
    sqlx::query(include_str!("../../sql/images/forget.sql"))
        .bind(reference)
        .bind(node)
        .execute(pool)
        .await
        .map(|_| ())
}

/// The nodes that keep a copy of `reference`.
pub async fn holders(pool: &PgPool, reference: &str) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query_scalar(include_str!("../../sql/images/holders.sql"))
        .bind(reference)
        .fetch_all(pool)
        .await
}
