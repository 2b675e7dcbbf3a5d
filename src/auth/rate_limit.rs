//! Fixed-window rate limits kept in Redis, so every API replica counts against the same
//! budget. When Redis is unreachable the limiter lets requests through: refusing every login
//! because a counter is down would turn a partial outage into a full one.

use std::time::Duration;

use crate::broker::kv::Kv;

#[derive(Clone)]
pub struct RateLimiter {
    kv: Kv,
}

#[derive(Clone, Copy, Debug)]
pub struct Limit {
    pub requests: u32,
    pub window: Duration,
}

/// A sustained rate with room for a burst: `burst` requests at once, then `per_minute`.
#[derive(Clone, Copy, Debug)]
pub struct Bucket {
    pub per_minute: u32,
    pub burst: u32,
}

/// Too many requests: the caller may try again after `retry_after_seconds`.
#[derive(Debug, thiserror::Error)]
#[error("too many requests, retry in {retry_after_seconds} s")]
pub struct RateLimited {
    pub retry_after_seconds: u64,
}

impl RateLimited {
    fn after(seconds: u64) -> Self {
        Self {
            retry_after_seconds: seconds.max(1),
        }
    }
}

const TOKEN_BUCKET: &str = include_str!("token_bucket.lua");

impl RateLimiter {
    pub fn new(kv: Kv) -> Self {
        Self { kv }
    }

    /// Counts one request by `subject` in `bucket`; 429 with the seconds until the window
    /// resets once the limit is passed.
    pub async fn hit(&self, bucket: &str, subject: &str, limit: Limit) -> Result<(), RateLimited> {
        let key = self.key(bucket, subject);
        match self.count(&key, limit.window).await {
            Ok((count, ttl)) if count > u64::from(limit.requests) => Err(RateLimited::after(ttl)),
            Ok(_) => Ok(()),
            Err(err) => {
                tracing::warn!(error = %err, bucket, "rate limiter unavailable, allowing request");
                Ok(())
            }
        }
    }

    /// Takes a token from `subject`'s bucket in `bucket`; 429 with the seconds until one is
    /// free when it is empty.
    pub async fn take(
        &self,
        bucket: &str,
        subject: &str,
        limit: Bucket,
    ) -> Result<(), RateLimited> {
        let key = self.kv.key(&format!("bucket:{bucket}:{subject}"));
        let taken = async {
            let mut connection = self.kv.connection().await?;
            redis::Script::new(TOKEN_BUCKET)
                .key(&key)
                .arg(limit.burst.max(1))
                .arg(f64::from(limit.per_minute.max(1)) / 60.0)
                .invoke_async::<(u8, u64)>(&mut connection)
                .await
        };
        match taken.await {
            Ok((1, _)) => Ok(()),
            Ok((_, wait_ms)) => Err(RateLimited::after(wait_ms.div_ceil(1000))),
            Err(err) => {
                tracing::warn!(error = %err, bucket, "rate limiter unavailable, allowing request");
                Ok(())
            }
        }
    }

    /// Refuses once `subject` has `limit.requests` counted in `bucket`, without counting this
    /// one: for counters that only failures move.
    pub async fn check(
        &self,
        bucket: &str,
        subject: &str,
        limit: Limit,
    ) -> Result<(), RateLimited> {
        let key = self.key(bucket, subject);
        let read = async {
            let mut connection = self.kv.connection().await?;
            redis::pipe()
                .get(&key)
                .ttl(&key)
                .query_async::<(Option<u64>, i64)>(&mut connection)
                .await
        };
        match read.await {
            Ok((Some(count), ttl)) if count >= u64::from(limit.requests) => {
                Err(RateLimited::after(u64::try_from(ttl).unwrap_or(1)))
            }
            Ok(_) => Ok(()),
            Err(err) => {
                tracing::warn!(error = %err, bucket, "rate limiter unavailable, allowing request");
                Ok(())
            }
        }
    }

    /// Counts one event by `subject` in `bucket`, in windows of `window`.
    pub async fn record(&self, bucket: &str, subject: &str, window: Duration) {
        if let Err(err) = self.count(&self.key(bucket, subject), window).await {
            tracing::warn!(error = %err, bucket, "rate limiter unavailable, event not counted");
        }
    }

    /// Forgets what `subject` has counted in `bucket`.
    pub async fn clear(&self, bucket: &str, subject: &str) {
        let key = self.key(bucket, subject);
        let cleared = async {
            let mut connection = self.kv.connection().await?;
            redis::cmd("DEL")
                .arg(&key)
                .query_async::<()>(&mut connection)
                .await
        };
        if let Err(err) = cleared.await {
            tracing::warn!(error = %err, bucket, "rate limiter unavailable, counter kept");
        }
    }

    fn key(&self, bucket: &str, subject: &str) -> String {
        self.kv
            .key(&format!("ratelimit:{bucket}:{}", subject.to_lowercase()))
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
