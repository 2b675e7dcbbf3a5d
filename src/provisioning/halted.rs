//! An environment stopped while it was being created (its owner was disabled): the stages
//! end at their next step, but one of them may have started the container just before. It
//! is stopped here, so a halted environment never runs on.

use super::Provisioner;
use crate::db;
use crate::model::engine_names::container_name;
use crate::model::{EnvironmentId, Status};

impl Provisioner {
    pub async fn stop_if_halted(&self, id: EnvironmentId) {
        let halted = matches!(
            db::containers::by_id(&self.pool, id).await,
            Ok(Some(env)) if env.status == Status::Stopped
        );
        if !halted {
            return;
        }
        match self.runtime.stop_container(&container_name(id), 1).await {
            Ok(()) => tracing::info!(container_id = %id, "halted while created; stopped"),
            // Never made, or already stopped: nothing runs.
            Err(err) => tracing::debug!(error = %err, container_id = %id, "halted environment"),
        }
    }
}
