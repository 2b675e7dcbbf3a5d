//! Redis adapter: one multiplexed connection, made on first use so the service starts (and
//! reports itself not ready) while Redis is down, and re-made by the manager after a loss.

use std::sync::Arc;
use std::time::Duration;

use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use tokio::sync::OnceCell;

#[derive(Clone)]
pub struct Kv {
    client: redis::Client,
    prefix: Arc<str>,
    connection: Arc<OnceCell<ConnectionManager>>,
}

const CONNECT_TIMEOUT: Duration = Duration::from_secs(2);
const RESPONSE_TIMEOUT: Duration = Duration::from_secs(2);

impl Kv {
    pub fn new(url: &str, prefix: &str) -> anyhow::Result<Self> {
        let client = redis::Client::open(url)
            .map_err(|err| anyhow::anyhow!("SANDBOXD_REDIS_URL is not a Redis URL: {err}"))?;
        Ok(Self {
            client,
            prefix: prefix.into(),
            connection: Arc::new(OnceCell::new()),
        })
    }

    /// A key in this deployment's namespace.
    pub fn key(&self, suffix: &str) -> String {
        format!("{}:{suffix}", self.prefix)
    }

    pub async fn connection(&self) -> redis::RedisResult<ConnectionManager> {
        self.connection
            .get_or_try_init(|| async {
                // No retries inside the manager: each of them waits a second or more, and
                // every command queued behind a reconnect waits with it, so while Redis is
                // down a create would take seconds. A failed attempt answers at once; the
                // next command tries again.
                let config = ConnectionManagerConfig::new()
                    .set_connection_timeout(CONNECT_TIMEOUT)
                    .set_response_timeout(RESPONSE_TIMEOUT)
                    .set_number_of_retries(0);
                ConnectionManager::new_with_config(self.client.clone(), config).await
            })
            .await
            .cloned()
    }

    pub async fn ping(&self) -> anyhow::Result<()> {
        let mut connection = self.connection().await?;
        let _: String = redis::cmd("PING").query_async(&mut connection).await?;
        Ok(())
    }
}

impl Kv {
    /// A connection of its own, for commands that block (stream reads, subscriptions).
    pub async fn dedicated(&self) -> redis::RedisResult<redis::aio::MultiplexedConnection> {
        let config = redis::AsyncConnectionConfig::new()
            .set_connection_timeout(CONNECT_TIMEOUT)
            .set_response_timeout(Duration::from_secs(30));
        self.client
            .get_multiplexed_async_connection_with_config(&config)
            .await
    }

    pub async fn pubsub(&self) -> redis::RedisResult<redis::aio::PubSub> {
        self.client.get_async_pubsub().await
    }
}
