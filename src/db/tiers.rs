use serde::Serialize;
use sqlx::PgPool;
use utoipa::ToSchema;

/// A tier's limits. Resources are given as min/default/max; `None` means unlimited.
#[derive(Clone, Debug, Serialize, ToSchema, sqlx::FromRow)]
pub struct TierRow {
    pub name: String,
    pub max_containers: i32,
    pub memory_mb_min: i32,
    pub memory_mb_default: i32,
    pub memory_mb_max: i32,
    pub cpu_millicores_min: i32,
    pub cpu_millicores_default: i32,
    pub cpu_millicores_max: i32,
    pub disk_mb_min: i32,
    pub disk_mb_default: i32,
    pub disk_mb_max: i32,
    pub session_limit_seconds: Option<i32>,
    pub idle_timeout_seconds: Option<i32>,
    pub allowed_images: Option<Vec<String>>,
}

pub async fn get(pool: &PgPool, name: &str) -> Result<Option<TierRow>, sqlx::Error> {
    sqlx::query_as(include_str!("../../sql/tiers/get.sql"))
        .bind(name)
        .fetch_optional(pool)
        .await
}

pub async fn list(pool: &PgPool) -> Result<Vec<TierRow>, sqlx::Error> {
    sqlx::query_as(include_str!("../../sql/tiers/list.sql"))
        .fetch_all(pool)
        .await
}
