use sqlx::PgPool;

/// Returns the secret stored under `name`, storing `candidate` first if there is none, so
/// that every replica ends up with the same value.
pub async fn get_or_create(
    pool: &PgPool,
    name: &str,
    candidate: &[u8],
) -> Result<Vec<u8>, sqlx::Error> {
    sqlx::query_scalar(include_str!("../../sql/secrets/get_or_create.sql"))
        .bind(name)
        .bind(candidate)
        .fetch_one(pool)
        .await
}
