//! The wait for an environment's first process to report that it is configured. It is the
//! one stage whose length the tenant decides (an image whose `/bin/sh` never returns waits
//! out the whole timeout), so it runs in a task of its own that holds the job's lease but no
//! worker: the worker goes back to the queue at once, and its owner's share of workers is
//! freed for their next job.

use tokio_util::sync::CancellationToken;
use tracing::Instrument;

use super::lease::HeldLease;
use super::progress::enqueue;
use super::worker::Worker;
use crate::db::{self, jobs::LeasedJob};
use crate::model::{Environment, UserId};

impl Worker {
    pub(super) async fn watch(
        &self,
        job: LeasedJob,
        env: Environment,
        lease: HeldLease,
        shutdown: CancellationToken,
        span: tracing::Span,
    ) {
        let pool = &self.provisioner.pool;
        if let Err(err) = db::jobs::watch(pool, job.id, &self.id).await {
            // The job keeps counting against its owner's share until it ends; nothing worse.
            tracing::warn!(parent: &span, error = %err, "could not record that the job is watched");
        }
        self.wake_next(job.user_id).await;
        let worker = self.clone();
        tokio::spawn(
            async move {
                let outcome = tokio::select! {
                    outcome = worker.provisioner.finish_configuring(&env) => Some(outcome),
                    _ = lease.lost.cancelled() => None,
                    // The lease lapses; whoever takes the job over watches again.
                    _ = shutdown.cancelled() => None,
                };
                lease.renewer.abort();
                match outcome {
                    Some(outcome) => worker.settle(&job, outcome).await,
                    None => tracing::warn!("watch interrupted; it will resume elsewhere"),
                }
            }
            .instrument(span),
        );
    }

    /// A worker of `user`'s share was freed: their oldest waiting job may have it. Queued at
    /// most once (the queue refuses a job it still holds); if this is lost, the sweep finds
    /// the job in Postgres.
    pub(super) async fn wake_next(&self, user: UserId) {
        if self.provisioner.settings.workers_per_user <= 0 {
            return;
        }
        let node = &self.provisioner.settings.node.name;
        match db::jobs::next_waiting(&self.provisioner.pool, user, node).await {
            Ok(Some(job_id)) => enqueue(&self.provisioner.queue, job_id).await,
            Ok(None) => {}
            Err(err) => tracing::debug!(error = %err, "could not look for a waiting job"),
        }
    }
}
