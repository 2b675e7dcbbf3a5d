//! A database of the benchmark's own, under the name prefix the test clean-up drops.

use anyhow::anyhow;
use sqlx::{Connection, Executor, PgConnection};

pub struct Database {
    /// The URL of the fresh database.
    pub url: String,
    name: String,
    admin_url: String,
}

impl Database {
    pub async fn fresh(base_url: &str) -> anyhow::Result<Database> {
        let name = format!("sandboxd_test_bench_{}", uuid::Uuid::new_v4().simple());
        let mut connection = PgConnection::connect(base_url).await?;
        connection
            .execute(format!(r#"CREATE DATABASE "{name}""#).as_str())
            .await?;
        let (server, _) = base_url
            .rsplit_once('/')
            .ok_or_else(|| anyhow!("a database URL has a path"))?;
        Ok(Database {
            url: format!("{server}/{name}"),
            name,
            admin_url: base_url.to_string(),
        })
    }

    /// Runs one statement in the fresh database, e.g. to lift a tier's limit.
    pub async fn execute(&self, sql: &str) -> anyhow::Result<()> {
        let mut connection = PgConnection::connect(&self.url).await?;
        connection.execute(sql).await?;
        Ok(())
    }

    pub async fn drop(self) {
        let dropped = async {
            let mut connection = PgConnection::connect(&self.admin_url).await?;
            connection
                .execute(
                    format!(r#"DROP DATABASE IF EXISTS "{}" WITH (FORCE)"#, self.name).as_str(),
                )
                .await?;
            anyhow::Ok(())
        };
        if let Err(err) = dropped.await {
            eprintln!("could not drop the bench database {}: {err:#}", self.name);
        }
    }
}
