//! The worker queues: one Redis stream per node, read through a consumer group by that
//! node's workers (the container is made on that node's engine). A message carries only a
//! job id; the job itself, its lease and its attempts live in Postgres, so delivery can be
//! at-least-once and duplicates cost nothing.

use std::time::Duration;

use redis::streams::{StreamAutoClaimReply, StreamReadOptions, StreamReadReply};
use redis::AsyncCommands;

use crate::model::JobId;

use crate::broker::kv::Kv;

const GROUP: &str = "workers";
const FIELD: &str = "job";
/// Far longer than any message waits in a healthy queue.
const MARKER_TTL: Duration = Duration::from_secs(6 * 3600);
/// KEYS: stream, marker; ARGV: job id, marker expiry in seconds.
const PUSH_ONCE: &str = r"
if redis.call('SET', KEYS[2], '1', 'NX', 'EX', ARGV[2]) then
  return redis.call('XADD', KEYS[1], '*', 'job', ARGV[1])
end
return false
";

#[derive(Clone)]
pub struct JobQueue {
    kv: Kv,
    stream: String,
    dead_letters: String,
}

#[derive(Debug, Clone)]
pub struct Delivery {
    pub message_id: String,
    pub job_id: JobId,
}

impl JobQueue {
    /// The queue of node `node`.
    pub fn new(kv: Kv, node: &str) -> Self {
        Self {
            stream: kv.key(&format!("jobs:node:{node}")),
            dead_letters: kv.key("jobs:dead"),
            kv,
        }
    }

    /// The queue of another node, on the same Redis.
    pub fn for_node(&self, node: &str) -> Self {
        Self::new(self.kv.clone(), node)
    }

    /// Queues `job_id` unless a message for it is already in the stream, delivered or not:
    /// the API, the sweep and a freed worker slot may all ask for the same job, and it must
    /// be there once. The marker lives exactly as long as the message (`ack` removes both;
    /// a flushed Redis loses both); its expiry only bounds a marker orphaned by an
    /// unforeseen failure. True when a message was added.
    pub async fn push(&self, job_id: JobId) -> redis::RedisResult<bool> {
        let mut connection = self.kv.connection().await?;
        let added: Option<String> = redis::Script::new(PUSH_ONCE)
            .key(&self.stream)
            .key(self.marker(job_id))
            .arg(job_id.to_string())
            .arg(MARKER_TTL.as_secs())
            .invoke_async(&mut connection)
            .await?;
        Ok(added.is_some())
    }

    fn marker(&self, job_id: JobId) -> String {
        format!("{}:queued:{job_id}", self.stream)
    }

    /// Records a job that ran out of attempts, for operators to inspect.
    pub async fn dead_letter(&self, job_id: JobId, reason: &str) -> redis::RedisResult<()> {
        let mut connection = self.kv.connection().await?;
        let _: String = connection
            .xadd(
                &self.dead_letters,
                "*",
                &[(FIELD, job_id.to_string().as_str()), ("reason", reason)],
            )
            .await?;
        Ok(())
    }

    /// Creates the consumer group if it is missing (first start, or after Redis was flushed).
    pub async fn ensure_group(&self) -> redis::RedisResult<()> {
        let mut connection = self.kv.connection().await?;
        let created: redis::RedisResult<String> = connection
            .xgroup_create_mkstream(&self.stream, GROUP, "0")
            .await;
        match created {
            Err(err) if err.code() == Some("BUSYGROUP") => Ok(()),
            other => other.map(|_| ()),
        }
    }

    /// Waits up to `block` for the next new message for `consumer`. Uses its own connection:
    /// a blocking read would stall every other command on the shared one.
    pub async fn next(
        &self,
        connection: &mut redis::aio::MultiplexedConnection,
        consumer: &str,
        block: Duration,
    ) -> redis::RedisResult<Option<Delivery>> {
        let options = StreamReadOptions::default()
            .group(GROUP, consumer)
            .count(1)
            .block(block.as_millis() as usize);
        let reply: Option<StreamReadReply> = connection
            .xread_options(&[&self.stream], &[">"], &options)
            .await?;
        Ok(reply
            .into_iter()
            .flat_map(|reply| reply.keys)
            .flat_map(|key| key.ids)
            .find_map(|entry| parse(&entry.id, &entry.map)))
    }

    /// Takes over messages another consumer received but has not acknowledged for `idle`:
    /// that consumer most likely died.
    pub async fn reclaim(
        &self,
        consumer: &str,
        idle: Duration,
    ) -> redis::RedisResult<Vec<Delivery>> {
        let mut connection = self.kv.connection().await?;
        let reply: StreamAutoClaimReply = redis::cmd("XAUTOCLAIM")
            .arg(&self.stream)
            .arg(GROUP)
            .arg(consumer)
            .arg(idle.as_millis() as u64)
            .arg("0-0")
            .arg("COUNT")
            .arg(20)
            .query_async(&mut connection)
            .await?;
        Ok(reply
            .claimed
            .iter()
            .filter_map(|entry| parse(&entry.id, &entry.map))
            .collect())
    }

    /// Acknowledges and deletes the message, and with it the job's queued marker, in one
    /// transaction, so that the job can be queued again exactly when it is no longer there.
    pub async fn ack(&self, delivery: &Delivery) -> redis::RedisResult<()> {
        let mut connection = self.kv.connection().await?;
        let _: () = redis::pipe()
            .atomic()
            .xack(&self.stream, GROUP, &[&delivery.message_id])
            .ignore()
            .xdel(&self.stream, &[&delivery.message_id])
            .ignore()
            .del(self.marker(delivery.job_id))
            .ignore()
            .query_async(&mut connection)
            .await?;
        Ok(())
    }

    /// Messages waiting in the stream, for the queue-depth metric.
    pub async fn depth(&self) -> redis::RedisResult<u64> {
        let mut connection = self.kv.connection().await?;
        connection.xlen(&self.stream).await
    }
}

fn parse(id: &str, fields: &std::collections::HashMap<String, redis::Value>) -> Option<Delivery> {
    let raw: String = redis::from_redis_value(fields.get(FIELD)?).ok()?;
    Some(Delivery {
        message_id: id.to_string(),
        job_id: raw.parse().ok()?,
    })
}

impl JobQueue {
    /// A connection for blocking reads, apart from the shared one.
    pub async fn dedicated(&self) -> redis::RedisResult<redis::aio::MultiplexedConnection> {
        self.kv.dedicated().await
    }
}
