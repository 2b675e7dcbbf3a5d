//! Readiness: whether each service sandboxd depends on answers, within a bound.

use std::time::Duration;

use sqlx::PgPool;

use crate::broker::kv::Kv;
use crate::runtime::Runtime;

const PATIENCE: Duration = Duration::from_secs(2);

#[derive(Clone)]
pub struct Health {
    pool: PgPool,
    kv: Kv,
    runtime: Runtime,
}

/// One dependency's answer: `Ok`, or why it is down.
pub type Check = (&'static str, Result<(), String>);

impl Health {
    pub fn new(pool: PgPool, kv: Kv, runtime: Runtime) -> Self {
        Self { pool, kv, runtime }
    }

    /// Postgres, Redis and the Docker engine, asked at once.
    pub async fn check(&self) -> [Check; 3] {
        let postgres = async {
            tokio::time::timeout(PATIENCE, sqlx::query("SELECT 1").execute(&self.pool))
                .await
                .map_err(|_| anyhow::anyhow!("timed out"))?
                .map(|_| ())
                .map_err(anyhow::Error::from)
        };
        let redis = async {
            tokio::time::timeout(PATIENCE, self.kv.ping())
                .await
                .map_err(|_| anyhow::anyhow!("timed out"))?
        };
        let (postgres, redis, docker) = tokio::join!(postgres, redis, self.runtime.ping());
        [
            ("postgres", postgres.map_err(|err| err.to_string())),
            ("redis", redis.map_err(|err| err.to_string())),
            ("docker", docker.map_err(|err| err.to_string())),
        ]
    }
}
