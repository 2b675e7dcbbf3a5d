//! Revocations through Redis pub/sub: a logout, a revoked token or a disabled user reaches
//! every API process within the relay's latency.

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

    /// Hands every revocation any process publishes to `heard`, until `shutdown`.
    pub async fn listen(
        self,
        heard: impl Fn(Revocation) + Send + Sync + 'static,
        shutdown: CancellationToken,
    ) {
        let parse = |payload: String| match serde_json::from_str(&payload) {
            Ok(revocation) => heard(revocation),
            Err(err) => tracing::warn!(error = %err, "an unreadable revocation"),
        };
        super::channel::listen(&self.kv, &self.channel, parse, shutdown).await;
    }
}
