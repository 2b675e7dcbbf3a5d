//! A `sandboxd serve` inside the benchmark's own process, over a database of its own, for the
//! benchmarks that time single calls: started with the per-user rate limits lifted and no
//! warm pool (only the pool benchmark makes one), and everything it made removed at the end,
//! pass or fail.

use sandboxd::config::{LogFormat, Settings};
use sandboxd::startup::Application;

use super::database::Database;
use super::server::{remove_labelled, ADMIN_PASSWORD};

pub struct InProcess {
    pub settings: Settings,
    /// `http://127.0.0.1:{port}`.
    pub base: String,
    pub database: Database,
}

impl InProcess {
    /// `customize` sees the settings last, before the server starts.
    pub async fn start(customize: impl FnOnce(&mut Settings)) -> anyhow::Result<InProcess> {
        let mut settings = Settings::from_env()?;
        let database = Database::fresh(&settings.database_url).await?;
        settings.bind = "127.0.0.1:0".into();
        settings.database_url = database.url.clone();
        settings.redis_prefix = format!("sandboxd-bench:{}", uuid::Uuid::new_v4().simple());
        settings.admin_password = Some(ADMIN_PASSWORD.into());
        settings.log_format = LogFormat::Json;
        // A benchmark calls faster than a person's rate limits allow.
        settings.creates_per_minute = u32::MAX;
        settings.creates_burst = 1_000;
        settings.container_ops_per_minute = u32::MAX;
        settings.container_ops_burst = 1_000;
        settings.node.default_pool_size = 0;
        settings.ssh.listen = Some("127.0.0.1:0".into());
        customize(&mut settings);
        // Warnings only, so logging weighs nothing in the figures.
        std::env::set_var("SANDBOXD_LOG", "warn");
        sandboxd::telemetry::init(settings.log_format);
        let app = Application::build(settings.clone()).await?;
        let base = format!("http://127.0.0.1:{}", app.port());
        tokio::spawn(app.run_until_stopped(std::future::pending()));
        Ok(InProcess {
            settings,
            base,
            database,
        })
    }

    /// The label filter of everything the server made on the engine.
    pub fn instance_filter(&self) -> String {
        format!("label=sandboxd.instance={}", self.settings.redis_prefix)
    }

    /// Removes what the server and the benchmark (`sandboxd.bench=1`) made, and the
    /// database; passes `outcome` on.
    pub async fn finish(self, outcome: anyhow::Result<()>) -> anyhow::Result<()> {
        remove_labelled(&self.settings.docker_host, "label=sandboxd.bench=1");
        remove_labelled(&self.settings.docker_host, &self.instance_filter());
        self.database.drop().await;
        outcome
    }
}
