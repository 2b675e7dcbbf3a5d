//! Starting the workers, and the maintenance loop that takes over work from dead workers,
//! re-enqueues jobs a flushed Redis forgot, and finishes deletes the engine refused.

use tokio_util::sync::CancellationToken;

use super::progress::enqueue;
use super::worker::{Worker, MAINTENANCE_EVERY, QUIET};
use super::Provisioner;
use crate::db;

impl Worker {
    /// Reclaims stalled deliveries and re-enqueues forgotten jobs until `shutdown`.
    pub async fn maintain(self, shutdown: CancellationToken) {
        let lease = self.provisioner.settings.job_lease;
        loop {
            tokio::select! {
                _ = shutdown.cancelled() => return,
                _ = tokio::time::sleep(MAINTENANCE_EVERY) => {}
            }
            match self.provisioner.queue.reclaim(&self.id, lease).await {
                Ok(deliveries) => {
                    for delivery in deliveries {
                        self.handle(delivery, &shutdown).await;
                    }
                }
                Err(err) => tracing::debug!(error = %err, "reclaim failed"),
            }
            let share = self.provisioner.settings.workers_per_user;
            let node = &self.provisioner.settings.node.name;
            match db::jobs::claim_stalled(&self.provisioner.pool, QUIET, share, node).await {
                Ok(stalled) => {
                    for job_id in stalled {
                        enqueue(&self.provisioner.queue, job_id).await;
                    }
                }
                Err(err) => tracing::warn!(error = %err, "sweep failed"),
            }
            if let Err(err) = self.provisioner.retry_stuck_deletes(QUIET * 10).await {
                tracing::warn!(error = %err, "retrying deletes failed");
            }
        }
    }
}

impl Provisioner {
    /// Starts `count` workers and one maintenance loop.
    pub fn spawn_workers(
        &self,
        count: usize,
        shutdown: &CancellationToken,
    ) -> Vec<tokio::task::JoinHandle<()>> {
        let mut handles = Vec::new();
        if count == 0 {
            return handles;
        }
        // The first environment should not wait for the shared scripts to be made; a failure
        // here (the engine still starting) is retried by that environment's own stage.
        let warm = self.clone();
        handles.push(tokio::spawn(async move {
            if let Err(err) = warm.scripts_mount().await {
                tracing::debug!("shell scripts not made in advance: {err}");
            }
        }));
        for index in 0..count {
            let worker = Worker::new(self.clone(), index);
            handles.push(tokio::spawn(worker.run(shutdown.clone())));
        }
        let maintainer = Worker::new(self.clone(), count);
        handles.push(tokio::spawn(maintainer.maintain(shutdown.clone())));
        handles
    }
}
