//! Fixed-window rate limits kept in Redis, so every API replica counts against the same
//! budget. When Redis is unreachable the limiter lets requests through: refusing every login
//! because a counter is down would turn a partial outage into a full one.

use std::time::Duration;

use crate::error::{ApiError, ApiResult};
use crate::kv::Kv;

#[derive(Clone)]
pub struct RateLimiter {
    kv: Kv,
}

#[derive(Clone, Copy, Debug)]
pub struct Limit {
    pub requests: u32,
    pub window: Duration,
}

impl RateLimiter {
    pub fn new(kv: Kv) -> Self {
        Self { kv }
    }

    /// Counts one request by `subject` in `bucket`; 429 with the seconds until the window
    /// resets once the limit is passed.
    pub async fn hit(&self, bucket: &str, subject: &str, limit: Limit) -> ApiResult<()> {
        let key = self
            .kv
            .key(&format!("ratelimit:{bucket}:{}", subject.to_lowercase()));
        match self.count(&key, limit.window).await {
            Ok((count, ttl)) if count > u64::from(limit.requests) => {
                Err(ApiError::too_many_requests(ttl.max(1)))
            }
            Ok(_) => Ok(()),
            Err(err) => {
                tracing::warn!(error = %err, bucket, "rate limiter unavailable, allowing request");
                Ok(())
            }
        }
    }

    async fn count(&self, key: &str, window: Duration) -> redis::RedisResult<(u64, u64)> {
        let mut connection = self.kv.connection().await?;
        let (count, ttl): (u64, i64) = redis::pipe()
            .atomic()
            .incr(key, 1)
            .cmd("EXPIRE")
            .arg(key)
            .arg(window.as_secs().max(1))
            .arg("NX")
            .ignore()
            .ttl(key)
            .query_async(&mut connection)
            .await?;
        Ok((count, u64::try_from(ttl).unwrap_or(window.as_secs())))
    }
}
