//! Telling an environment's owner where provisioning stands, on their /ws/events connections.

use crate::broker::events::EventBus;
use crate::model::{Environment, ProgressEvent, Step};

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
