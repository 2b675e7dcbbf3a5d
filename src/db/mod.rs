//! Postgres adapter: the pool, migrations and one module of queries per table.
//! The SQL itself lives in `sql/`.

pub mod admin;
pub mod audit;
pub mod containers;
pub mod exec_jobs;
pub mod housekeeping;
pub mod images;
pub mod jobs;
pub mod nodes;
pub mod placement;
pub mod pools;
pub mod previews;
pub mod retention;
pub mod secrets;
pub mod sessions;
pub mod snapshots;
pub mod ssh_keys;
pub mod subnets;
pub mod tiers;
pub mod tokens;
pub mod users;

use std::time::Duration;

use sqlx::postgres::{PgPoolOptions, PgRow};
use sqlx::{FromRow, PgPool, Row};

pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

/// A lazy pool: the service starts (and answers /readyz with 503) while Postgres is down,
/// and reconnects by itself when it returns.
pub fn pool(url: &str, max_connections: u32) -> anyhow::Result<PgPool> {
    Ok(PgPoolOptions::new()
        .max_connections(max_connections)
        .acquire_timeout(Duration::from_secs(3))
        .connect_lazy(url)?)
}

/// Runs pending migrations, waiting up to `patience` for Postgres to accept connections.
pub async fn migrate(pool: &PgPool, patience: Duration) -> anyhow::Result<()> {
    let deadline = tokio::time::Instant::now() + patience;
    loop {
        match MIGRATOR.run(pool).await {
            Ok(()) => return Ok(()),
            Err(sqlx::migrate::MigrateError::Execute(sqlx::Error::PoolTimedOut))
            | Err(sqlx::migrate::MigrateError::Execute(sqlx::Error::Io(_)))
                if tokio::time::Instant::now() < deadline =>
            {
                tracing::warn!("waiting for Postgres before migrating");
                tokio::time::sleep(Duration::from_millis(500)).await;
            }
            Err(err) => return Err(anyhow::anyhow!("migrations failed: {err}")),
        }
    }
}

/// A row of a paged list, with the count of every row that matched (`count(*) OVER ()` as
/// `total`), so a page and its total come from one query.
#[derive(Debug)]
pub struct Counted<T> {
    pub item: T,
    pub total: i64,
}

impl<'r, T: FromRow<'r, PgRow>> FromRow<'r, PgRow> for Counted<T> {
    fn from_row(row: &'r PgRow) -> Result<Self, sqlx::Error> {
        Ok(Self {
            item: T::from_row(row)?,
            total: row.try_get("total")?,
        })
    }
}

/// Splits a page of counted rows into the rows and the total.
pub fn page_of<T>(rows: Vec<Counted<T>>) -> (Vec<T>, i64) {
    let total = rows.first().map_or(0, |row| row.total);
    (rows.into_iter().map(|row| row.item).collect(), total)
}

/// True when `err` is a unique-constraint violation on the named index.
pub fn is_unique_violation(err: &sqlx::Error, constraint: &str) -> bool {
    match err {
        sqlx::Error::Database(db) => {
            db.code().as_deref() == Some("23505") && db.constraint() == Some(constraint)
        }
        _ => false,
    }
}

/// Whether `err` is Postgres refusing to break a foreign key, e.g. deleting a row in use.
pub fn is_foreign_key_violation(err: &sqlx::Error, constraint: &str) -> bool {
    match err {
        sqlx::Error::Database(db) => {
            db.code().as_deref() == Some("23503") && db.constraint() == Some(constraint)
        }
        _ => false,
    }
}
