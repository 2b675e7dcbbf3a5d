//! Handing work to the workers, and telling an environment's owner where provisioning
//! stands, on their /ws/events connections.

use crate::broker::events::EventBus;
use crate::broker::queue::JobQueue;
use crate::model::{Environment, JobId, ProgressEvent, Step};

/// Queues a provisioning job, unless it is in the queue already. One that cannot be queued
/// now is not lost: the workers' sweep finds it in Postgres.
pub async fn enqueue(queue: &JobQueue, job_id: JobId) {
    match queue.push(job_id).await {
        Ok(true) => tracing::debug!(%job_id, "job queued"),
        Ok(false) => tracing::debug!(%job_id, "job already in the queue"),
        Err(err) => tracing::warn!(error = %err, %job_id, "could not queue job; the sweep will"),
    }
}

/// Publishes a progress event. Losing one is not fatal (Postgres has the stage, and a client
/// that reconnects reads it), so failures are only logged.
pub async fn announce(
    events: &EventBus,
    env: &Environment,
    step: Step,
    progress: i32,
    message: &str,
) {
    let event = ProgressEvent::new(env, step, progress, message);
    if let Err(err) = events.publish_progress(env.user_id, &event).await {
        tracing::warn!(error = %err, container_id = %env.id, "could not publish progress");
    }
}
