//! The subnets of user networks (see migrations/*_capacity.sql): set aside in Postgres before
//! the engine is asked, so two workers never give two networks the same addresses.

use std::time::Duration;

use ipnet::Ipv4Net;
use sqlx::{PgConnection, PgExecutor, PgPool};

/// A free `/prefix` of `pool` set aside for `network`, looking from `start` addresses in.
pub async fn take(
    connection: &mut PgConnection,
    addresses: Ipv4Net,
    prefix: u8,
    start: u64,
    network: &str,
) -> Result<Option<Ipv4Net>, sqlx::Error> {
    let taken: Option<String> = sqlx::query_scalar(include_str!("../../sql/subnets/take.sql"))
        .bind(addresses.to_string())
        .bind(i32::from(prefix))
        .bind(start as i64)
        .bind(network)
        .fetch_optional(connection)
        .await?;
    Ok(taken.and_then(|subnet| subnet.parse().ok()))
}

/// The subnet set aside for `network`, if any.
pub async fn of_network(
    connection: &mut PgConnection,
    network: &str,
) -> Result<Option<Ipv4Net>, sqlx::Error> {
    let subnet: Option<String> =
        sqlx::query_scalar(include_str!("../../sql/subnets/of_network.sql"))
            .bind(network)
            .fetch_optional(connection)
            .await?;
    Ok(subnet.and_then(|subnet| subnet.parse().ok()))
}

/// `candidate` turned out to overlap `used`, which the engine gives some other network: the
/// candidate goes back, and `used` (or, when that overlaps a subnet of ours, the candidate
/// itself) is marked as taken by someone else.
pub async fn mark_foreign(
    connection: &mut PgConnection,
    candidate: Ipv4Net,
    used: Ipv4Net,
) -> Result<(), sqlx::Error> {
    let mut tx = sqlx::Connection::begin(connection).await?;
    sqlx::query(include_str!("../../sql/subnets/give_up.sql"))
        .bind(candidate.to_string())
        .execute(&mut *tx)
        .await?;
    let marked = sqlx::query(include_str!("../../sql/subnets/mark_foreign.sql"))
        .bind(used.trunc().to_string())
        .execute(&mut *tx)
        .await?;
    if marked.rows_affected() == 0 {
        sqlx::query(include_str!("../../sql/subnets/mark_foreign.sql"))
            .bind(candidate.to_string())
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await
}

/// Whether `addresses` has a free `/prefix`.
pub async fn any_free(
    connection: &mut PgConnection,
    addresses: Ipv4Net,
    prefix: u8,
) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar(include_str!("../../sql/subnets/any_free.sql"))
        .bind(addresses.to_string())
        .bind(i32::from(prefix))
        .fetch_one(connection)
        .await
}

/// Frees the subnet of `network`, once the network is gone.
pub async fn release<'e>(executor: impl PgExecutor<'e>, network: &str) -> Result<(), sqlx::Error> {
    sqlx::query(include_str!("../../sql/subnets/release.sql"))
        .bind(network)
        .execute(executor)
        .await
        .map(|_| ())
}

/// Frees subnets older than `settled` whose network is not among `existing`, and forgets
/// others' addresses marked as long ago; how many.
pub async fn release_stale(
    pool: &PgPool,
    node: &str,
    existing: &[String],
    settled: Duration,
) -> Result<u64, sqlx::Error> {
    let done = sqlx::query(include_str!("../../sql/subnets/stale.sql"))
        .bind(existing)
        .bind(settled.as_secs_f64())
        .bind(node)
        .execute(pool)
        .await?;
    Ok(done.rows_affected())
}
