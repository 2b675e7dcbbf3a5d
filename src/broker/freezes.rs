//! The freezing ledger in Redis: per container, a sorted set of the starts in flight (each
//! member a lease, scored by when it lapses) and a key naming the freeze in flight, also
//! lapsing unless renewed. Each step is one script, so a start and a freeze can never both
//! see the other absent.

use std::sync::LazyLock;
use std::time::Duration;

use futures_util::future::BoxFuture;
use futures_util::FutureExt;

use super::kv::Kv;
use crate::runtime::{FreezeClaim, FreezeLedger, Ledger};

/// The time in Redis, in ms: one clock for every process. Drops the lapsed starts.
const NOW_AND_PRUNE: &str = r#"
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
"#;

/// KEYS: starts, freeze. ARGV: lease, lease ms. 1 when recorded, 0 while a freeze is on.
const TRY_START_BODY: &str = r#"
if redis.call('EXISTS', KEYS[2]) == 1 then return 0 end
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[1])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return 1
"#;

/// KEYS: starts, freeze. ARGV: lease, lease ms. -1 when another lease holds the freeze,
/// else the starts in flight (the freeze is claimed, or renewed, either way).
const TRY_FREEZE_BODY: &str = r#"
local holder = redis.call('GET', KEYS[2])
if holder and holder ~= ARGV[1] then return -1 end
redis.call('SET', KEYS[2], ARGV[1], 'PX', ARGV[2])
return redis.call('ZCARD', KEYS[1])
"#;

/// KEYS: starts, freeze. ARGV: lease.
const RELEASE_BODY: &str = r#"
redis.call('ZREM', KEYS[1], ARGV[1])
if redis.call('GET', KEYS[2]) == ARGV[1] then redis.call('DEL', KEYS[2]) end
return 1
"#;

/// Each script and its digest made once, not on every start: it runs by digest.
fn script(body: &str) -> redis::Script {
    redis::Script::new(&format!("{NOW_AND_PRUNE}{body}"))
}
static TRY_START: LazyLock<redis::Script> = LazyLock::new(|| script(TRY_START_BODY));
static TRY_FREEZE: LazyLock<redis::Script> = LazyLock::new(|| script(TRY_FREEZE_BODY));
static RELEASE: LazyLock<redis::Script> = LazyLock::new(|| script(RELEASE_BODY));

pub struct RedisFreezes {
    kv: Kv,
    lease: Duration,
}

impl RedisFreezes {
    /// Starts and freezes lapse `lease` after they were recorded or last renewed (the
    /// runtime's `FREEZE_LEASE`, which its renewals keep up with).
    pub fn new(kv: Kv, lease: Duration) -> Self {
        Self { kv, lease }
    }

    /// One container's two keys, in one hash slot (a cluster runs a script on one node).
    fn keys(&self, container: &str) -> [String; 2] {
        [
            self.kv.key(&format!("freezing:{{{container}}}:starts")),
            self.kv.key(&format!("freezing:{{{container}}}:freeze")),
        ]
    }

    async fn run(&self, script: &redis::Script, container: &str, lease: &str) -> Ledger<i64> {
        let mut connection = self.kv.connection().await?;
        let answer = script
            .key(&self.keys(container))
            .arg(lease)
            .arg(self.lease.as_millis() as u64)
            .invoke_async(&mut connection)
            .await?;
        Ok(answer)
    }
}

impl FreezeLedger for RedisFreezes {
    fn try_start<'a>(&'a self, container: &'a str, lease: &'a str) -> BoxFuture<'a, Ledger<bool>> {
        async move { Ok(self.run(&TRY_START, container, lease).await? == 1) }.boxed()
    }

    fn try_freeze<'a>(
        &'a self,
        container: &'a str,
        lease: &'a str,
    ) -> BoxFuture<'a, Ledger<FreezeClaim>> {
        async move {
            Ok(match self.run(&TRY_FREEZE, container, lease).await? {
                -1 => FreezeClaim::HeldElsewhere,
                0 => FreezeClaim::Taken,
                starts => FreezeClaim::AwaitingStarts(starts as u64),
            })
        }
        .boxed()
    }

    fn release<'a>(&'a self, container: &'a str, lease: &'a str) -> BoxFuture<'a, Ledger<()>> {
        async move {
            self.run(&RELEASE, container, lease).await?;
            Ok(())
        }
        .boxed()
    }
}
