//! Revocations through Redis pub/sub: a logout, a revoked token or a disabled user reaches
//! every API process within the relay's latency.

use std::time::Duration;

use futures_util::StreamExt;
use tokio_util::sync::CancellationToken;

use super::kv::Kv;
use crate::model::Revocation;

#[derive(Clone)]
pub struct Revocations {
    kv: Kv,
    channel: String,
}

impl Revocations {
    pub fn new(kv: Kv) -> Self {
        Self {
            channel: kv.key("revocations"),
            kv,
        }
    }

    pub async fn publish(&self, revocation: Revocation) -> redis::RedisResult<()> {
        let payload = serde_json::to_string(&revocation).expect("a revocation serialises");
        let mut connection = self.kv.connection().await?;
        redis::cmd("PUBLISH")
            .arg(&self.channel)
            .arg(payload)
            .query_async::<()>(&mut connection)
            .await
    }

    /// Hands every revocation any process publishes to `heard`, until `shutdown`,
    /// reconnecting after a lost connection.
    pub async fn listen(
        self,
        heard: impl Fn(Revocation) + Send + Sync + 'static,
        shutdown: CancellationToken,
    ) {
        loop {
            tokio::select! {
                _ = shutdown.cancelled() => return,
                outcome = self.relay(&heard) => {
                    if let Err(err) = outcome {
                        tracing::warn!(error = %err, "revocation subscription lost; reconnecting");
                    }
                }
            }
            tokio::select! {
                _ = shutdown.cancelled() => return,
                _ = tokio::time::sleep(Duration::from_millis(500)) => {}
            }
        }
    }

    async fn relay(&self, heard: &impl Fn(Revocation)) -> redis::RedisResult<()> {
        let mut pubsub = self.kv.pubsub().await?;
        pubsub.subscribe(&self.channel).await?;
        let mut messages = pubsub.on_message();
        while let Some(message) = messages.next().await {
            let Ok(payload) = message.get_payload::<String>() else {
                continue;
            };
            match serde_json::from_str(&payload) {
                Ok(revocation) => heard(revocation),
                Err(err) => tracing::warn!(error = %err, "an unreadable revocation"),
            }
        }
        Err(redis::RedisError::from((
            redis::ErrorKind::IoError,
            "subscription closed",
        )))
    }
}
