//! Images sandboxd pulled for custom environments (see migrations/*_capacity.sql), so that
//! housekeeping removes those and only those once nothing uses them.

use std::time::Duration;

use sqlx::PgPool;

/// `reference` was pulled for a custom environment just now.
pub async fn pulled(pool: &PgPool, reference: &str) -> Result<(), sqlx::Error> {
    sqlx::query(include_str!("../../sql/images/pulled.sql"))
        .bind(reference)
        .execute(pool)
        .await
        .map(|_| ())
}

/// An environment is being made from `reference`; nothing when sandboxd did not pull it.
pub async fn used(pool: &PgPool, reference: &str) -> Result<(), sqlx::Error> {
    sqlx::query(include_str!("../../sql/images/used.sql"))
        .bind(reference)
        .execute(pool)
        .await
        .map(|_| ())
}

/// Up to `limit` pulled images no environment was made from for `unused`, oldest first.
pub async fn unused(
    pool: &PgPool,
    unused: Duration,
    limit: i64,
) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query_scalar(include_str!("../../sql/images/unused.sql"))
        .bind(unused.as_secs_f64())
        .bind(limit)
        .fetch_all(pool)
        .await
}

/// `reference` is gone from the engine.
pub async fn forget(pool: &PgPool, reference: &str) -> Result<(), sqlx::Error> {
    sqlx::query(include_str!("../../sql/images/forget.sql"))
        .bind(reference)
        .execute(pool)
        .await
        .map(|_| ())
}
