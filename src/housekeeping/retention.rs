//! Retention: exec jobs, audit entries, sessions, expired guests, ended share links and
//! environments left in `error` are removed once past their configured age. Each kind goes in batches of its own
//! short statement, and a round takes at most a few batches of each, so a backlog (a first
//! start on an old database) drains over several rounds without holding locks for long or
//! delaying expiry and the reconciler.

use std::future::Future;
use std::time::Duration;

use super::Housekeeper;
use crate::db;

/// Batches of one kind per round.
const BATCHES_PER_ROUND: u32 = 10;
/// Environments deleted per round: each may wait on the engine.
const ENVIRONMENTS_PER_ROUND: i64 = 10;

impl Housekeeper {
    pub async fn prune(&self) {
        let kept = self.settings.retention.clone();
        let (pool, batch) = (&self.pool, kept.batch);
        if let Some(age) = kept.exec_jobs {
            self.in_batches("exec_jobs", || db::retention::exec_jobs(pool, age, batch))
                .await;
        }
        if kept.audit.is_some() || kept.audit_anonymous.is_some() {
            let (all, anonymous) = (kept.audit, kept.audit_anonymous);
            self.in_batches("audit_entries", || {
                db::retention::audit(pool, all, anonymous, batch)
            })
            .await;
        }
        if let Some(age) = kept.sessions {
            self.in_batches("sessions", || db::retention::sessions(pool, age, batch))
                .await;
        }
        if let Some(age) = kept.guests {
            self.in_batches("guests", || db::retention::guests(pool, age, batch))
                .await;
        }
        if let Some(age) = kept.errored_environments {
            self.delete_errored(age).await;
        }
        // Ended shares are only listed for a day; past that they are of no use to anyone.
        self.in_batches("preview_shares", || db::previews::prune_shares(pool, batch))
            .await;
    }

    /// Repeats `prune_batch` while batches come back full, up to the round's share.
    async fn in_batches<F, Fut>(&self, kind: &str, prune_batch: F)
    where
        F: Fn() -> Fut,
        Fut: Future<Output = Result<u64, sqlx::Error>>,
    {
        let mut removed = 0;
        for _ in 0..BATCHES_PER_ROUND {
            match prune_batch().await {
                Ok(count) => {
                    removed += count;
                    if count < self.settings.retention.batch as u64 {
                        break;
                    }
                }
                Err(err) => {
                    tracing::warn!(error = %err, kind, "pruning failed");
                    break;
                }
            }
        }
        self.pruned(kind, removed);
    }

    fn pruned(&self, kind: &str, count: u64) {
        if count > 0 {
            self.metrics.pruned.with_label_values(&[kind]).inc_by(count);
            tracing::info!(kind, count, "retention: pruned");
        }
    }

    /// Through the normal delete, so the container, its storage and (once the owner has no
    /// environment left) the network go too, and the owner's quota slot is freed.
    async fn delete_errored(&self, age: Duration) {
        let limit = ENVIRONMENTS_PER_ROUND.min(self.settings.retention.batch);
        let ids = match db::retention::errored_environments(&self.pool, age, limit).await {
            Ok(ids) => ids,
            Err(err) => return tracing::warn!(error = %err, "errored environments: query failed"),
        };
        let mut removed = 0;
        for id in ids {
            match self.environments.records().delete_by_id(id).await {
                Ok(_) => removed += 1,
                Err(err) => tracing::warn!(error = %err, container_id = %id, "could not delete"),
            }
        }
        self.pruned("errored_environments", removed);
    }
}
