//! What most benchmarks run against: a database of their own and a `sandboxd serve` over it,
//! both removed at the end whatever the outcome.

use sandboxd::config::Settings;

use super::api::Api;
use super::database::Database;
use super::server::Server;

pub struct Stage {
    pub settings: Settings,
    pub database: Database,
    pub server: Server,
}

/// Test runners that list every target (`--list`) get nothing from a benchmark.
pub fn only_listing() -> bool {
    std::env::args().any(|arg| arg == "--list")
}

impl Stage {
    /// A fresh database and a server named `name` over it, with `extra` settings.
    pub async fn start(name: &str, extra: &[(&str, String)]) -> anyhow::Result<Stage> {
        let settings = Settings::from_env()?;
        let database = Database::fresh(&settings.database_url).await?;
        let prefix = format!("sandboxd-bench:{}", uuid::Uuid::new_v4().simple());
        let server = match Server::spawn(&settings, &database.url, &prefix, name, extra) {
            Ok(server) => server,
            Err(err) => {
                database.drop().await;
                return Err(err);
            }
        };
        Ok(Stage {
            settings,
            database,
            server,
        })
    }

    /// The seeded admin's API, their tier lifted to hold every environment a benchmark makes.
    pub async fn admin_with_room(&self) -> anyhow::Result<Api> {
        self.database
            .execute("UPDATE tiers SET max_containers = 1000 WHERE name = 'enterprise'")
            .await?;
        self.server.admin().await
    }

    /// Stops the server, drops the database, and passes `outcome` on, naming the server's
    /// log when it failed.
    pub async fn finish<T>(mut self, outcome: anyhow::Result<T>) -> anyhow::Result<T> {
        self.server.stop();
        if outcome.is_err() {
            eprintln!("server log: {}", self.server.log_path);
        }
        self.database.drop().await;
        outcome
    }
}
