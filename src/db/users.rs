use chrono::{DateTime, Utc};
use sqlx::PgPool;
use uuid::Uuid;

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct UserRow {
    pub id: Uuid,
    pub email: Option<String>,
    pub username: String,
    pub password_hash: Option<String>,
    pub role: String,
    pub tier: String,
    pub is_guest: bool,
    pub expires_at: Option<DateTime<Utc>>,
    pub disabled_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

pub struct NewUser<'a> {
    pub email: Option<&'a str>,
    pub username: &'a str,
    pub password_hash: Option<&'a str>,
    pub role: &'a str,
    pub tier: &'a str,
    pub is_guest: bool,
    pub expires_at: Option<DateTime<Utc>>,
}

pub const EMAIL_KEY: &str = "users_email_key";
pub const USERNAME_KEY: &str = "users_username_key";

pub async fn insert(pool: &PgPool, user: NewUser<'_>) -> Result<UserRow, sqlx::Error> {
    sqlx::query_as(include_str!("../../sql/users/insert.sql"))
        .bind(Uuid::new_v4())
        .bind(user.email)
        .bind(user.username)
        .bind(user.password_hash)
        .bind(user.role)
        .bind(user.tier)
        .bind(user.is_guest)
        .bind(user.expires_at)
        .fetch_one(pool)
        .await
}

pub async fn by_login(pool: &PgPool, login: &str) -> Result<Option<UserRow>, sqlx::Error> {
    sqlx::query_as(include_str!("../../sql/users/by_login.sql"))
        .bind(login)
        .fetch_optional(pool)
        .await
}

pub async fn by_id(pool: &PgPool, id: Uuid) -> Result<Option<UserRow>, sqlx::Error> {
    sqlx::query_as(include_str!("../../sql/users/by_id.sql"))
        .bind(id)
        .fetch_optional(pool)
        .await
}

pub async fn admin_exists(pool: &PgPool) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar(include_str!("../../sql/users/admin_exists.sql"))
        .fetch_one(pool)
        .await
}

/// Environments counting against the quota; inside a create's transaction too.
pub async fn count_containers(
    executor: impl sqlx::PgExecutor<'_>,
    user_id: Uuid,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(include_str!("../../sql/users/count_containers.sql"))
        .bind(user_id)
        .fetch_one(executor)
        .await
}
