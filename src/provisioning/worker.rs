//! Workers take jobs from the queue, hold a renewed lease on each in Postgres while they run
//! its stages, and retry, fail or dead-letter it. A maintenance loop takes over work from dead
//! workers and re-enqueues jobs a flushed Redis forgot.

use std::time::Duration;

use tokio_util::sync::CancellationToken;
use tracing::Instrument;
use uuid::Uuid;

use super::lease::{renew_lease, HeldLease};
use super::progress::announce;
use super::stage_error::{Outcome, StageError};
use super::Provisioner;
use crate::broker::queue::Delivery;
use crate::db;
use crate::db::jobs::{Acquired, LeasedJob};
use crate::model::engine_names::container_name;
use crate::model::{ErrorCode, Step};

const BLOCK: Duration = Duration::from_secs(1);
pub(super) const MAINTENANCE_EVERY: Duration = Duration::from_secs(2);
/// A job nobody touched for this long, while not leased, is re-enqueued.
pub(super) const QUIET: Duration = Duration::from_secs(3);
/// How soon a job interrupted by an engine outage is tried again.
const OUTAGE_RETRY: Duration = Duration::from_secs(2);

#[derive(Clone)]
pub struct Worker {
    pub(super) provisioner: Provisioner,
    pub(super) id: String,
}

impl Worker {
    pub fn new(provisioner: Provisioner, index: usize) -> Self {
        let host = std::env::var("HOSTNAME").unwrap_or_else(|_| "host".into());
        let id = format!(
            "{host}-{}-{index}-{}",
            std::process::id(),
            &Uuid::new_v4().simple().to_string()[..8]
        );
        Self { provisioner, id }
    }

    pub async fn run(self, shutdown: CancellationToken) {
        tracing::info!(worker = %self.id, "worker started");
        let mut connection = None;
        while !shutdown.is_cancelled() {
            let outcome = async {
                if connection.is_none() {
                    self.provisioner.queue.ensure_group().await?;
                    connection = Some(self.provisioner.queue.dedicated().await?);
                }
                let conn = connection.as_mut().expect("set above");
                self.provisioner.queue.next(conn, &self.id, BLOCK).await
            };
            let delivery = tokio::select! {
                _ = shutdown.cancelled() => break,
                outcome = tokio::time::timeout(BLOCK * 5, outcome) => outcome,
            };
            match delivery {
                Ok(Ok(Some(delivery))) => self.handle(delivery, &shutdown).await,
                Ok(Ok(None)) => {}
                Ok(Err(err)) => {
                    // NOGROUP after a flush, or a lost connection: start over.
                    tracing::warn!(error = %err, "queue read failed; reconnecting");
                    connection = None;
                    pause(&shutdown).await;
                }
                Err(_) => {
                    connection = None;
                }
            }
        }
        tracing::info!(worker = %self.id, "worker stopped");
    }

    pub(super) async fn handle(&self, delivery: Delivery, shutdown: &CancellationToken) {
        let settings = &self.provisioner.settings;
        let pool = &self.provisioner.pool;
        let (lease, share) = (settings.job_lease, settings.workers_per_user);
        let worker = db::jobs::Worker {
            id: &self.id,
            node: &settings.node.name,
        };
        match db::jobs::acquire(pool, delivery.job_id, worker, lease, share).await {
            Ok(Acquired::Leased(job)) => self.run_job(job, shutdown).await,
            // Put back in Postgres only: one of the owner's jobs queues it when it frees a
            // worker, so it costs nobody a worker while it waits.
            Ok(Acquired::Deferred) => {
                tracing::debug!(job_id = %delivery.job_id, "owner's share of workers is taken; job waits")
            }
            // Done, held by a live worker, not yet due, or another node's.
            Ok(Acquired::Unavailable) => {}
            Err(err) => {
                // Leave the message unacknowledged: it will be reclaimed.
                tracing::warn!(error = %err, "could not lease job");
                return;
            }
        }
        if let Err(err) = self.provisioner.queue.ack(&delivery).await {
            tracing::warn!(error = %err, "could not acknowledge message");
        }
    }

    async fn run_job(&self, job: LeasedJob, shutdown: &CancellationToken) {
        let lost_lease = CancellationToken::new();
        let renewer = tokio::spawn(renew_lease(
            self.provisioner.clone(),
            job.id,
            self.id.clone(),
            lost_lease.clone(),
        ));
        let span = tracing::info_span!("job", job_id = %job.id, container_id = %job.container_id, attempt = job.attempts);
        let outcome = async {
            tokio::select! {
                outcome = self.provisioner.provision(job.container_id) => Some(outcome),
                _ = lost_lease.cancelled() => None,
                // On shutdown the lease lapses and another worker resumes at the recorded stage.
                _ = shutdown.cancelled() => None,
            }
        }
        .instrument(span.clone())
        .await;
        match outcome {
            Some(Ok(Outcome::AwaitingReport(env))) => {
                let lease = HeldLease {
                    renewer,
                    lost: lost_lease,
                };
                self.watch(job, *env, lease, shutdown.clone(), span).await
            }
            Some(outcome) => {
                renewer.abort();
                self.settle(&job, outcome).instrument(span).await
            }
            None => {
                renewer.abort();
                span.in_scope(|| tracing::warn!("job interrupted; it will resume elsewhere"))
            }
        }
    }

    pub(super) async fn settle(&self, job: &LeasedJob, outcome: Result<Outcome, StageError>) {
        let pool = &self.provisioner.pool;
        let result = match outcome {
            // While the engine is down any verdict is suspect (a shell killed as the engine
            // stops looks like a failing role) and no attempt could have succeeded: the job
            // waits for the engine instead of using up its attempts.
            Err(err) if self.provisioner.runtime.ping().await.is_err() => {
                tracing::warn!(error = %err, "stage failed while the engine is unreachable; waiting for it");
                let message = format!("waiting for the container engine: {err}");
                db::jobs::retry_later(pool, job.id, &self.id, &message, OUTAGE_RETRY, true).await
            }
            Ok(Outcome::Ready) => {
                tracing::info!("environment ready");
                db::jobs::finish(pool, job.id, &self.id, "done", None).await
            }
            Ok(Outcome::Abandoned) => {
                self.provisioner.stop_if_halted(job.container_id).await;
                db::jobs::finish(pool, job.id, &self.id, "done", None).await
            }
            Ok(Outcome::AwaitingReport(_)) => {
                db::jobs::finish(pool, job.id, &self.id, "done", None).await
            }
            Err(StageError::Transient(message)) if job.attempts < job.max_attempts => {
                let delay = Duration::from_secs(2u64.pow(job.attempts as u32));
                tracing::warn!(%message, ?delay, "stage failed; retrying");
                db::jobs::retry_later(pool, job.id, &self.id, &message, delay, false).await
            }
            Err(StageError::Transient(message)) => {
                let message = format!("gave up after {} attempts: {message}", job.attempts);
                let _ = self.provisioner.queue.dead_letter(job.id, &message).await;
                self.fail(job, &message, None).await
            }
            Err(StageError::Permanent(message)) => self.fail(job, &message, None).await,
            Err(StageError::Coded { code, message }) => self.fail(job, &message, Some(code)).await,
        };
        if let Err(err) = result {
            tracing::error!(error = %err, "could not record the job's outcome");
        }
        self.wake_next(job.user_id).await;
    }

    /// Leaves nothing running and frees the quota: the container goes, the row says why.
    async fn fail(
        &self,
        job: &LeasedJob,
        message: &str,
        code: Option<ErrorCode>,
    ) -> Result<(), sqlx::Error> {
        tracing::warn!(%message, "provisioning failed");
        let provisioner = &self.provisioner;
        if let Err(err) = provisioner
            .runtime
            .remove_container(&container_name(job.container_id))
            .await
        {
            tracing::warn!(error = %err, "could not remove the failed container; the reconciler will");
        }
        if db::containers::mark_error(&provisioner.pool, job.container_id, message, code).await? {
            if let Some(env) = db::containers::by_id(&provisioner.pool, job.container_id).await? {
                announce(
                    &provisioner.events,
                    &env,
                    Step::Failed,
                    env.progress,
                    message,
                )
                .await;
            }
        }
        db::jobs::finish(&provisioner.pool, job.id, &self.id, "failed", Some(message)).await
    }
}

pub(super) async fn pause(shutdown: &CancellationToken) {
    tokio::select! {
        _ = shutdown.cancelled() => {}
        _ = tokio::time::sleep(Duration::from_millis(500)) => {}
    }
}
