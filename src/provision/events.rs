//! The events provisioning sends to its owner's /ws/events connections.

use serde_json::json;

use super::Provisioner;
use crate::db::containers::ContainerRow;

pub const PROGRESS: &str = "container_progress";

/// Where an environment stands, as a `container_progress` payload read from its row: what a
/// client that connects late, or a stream that missed an event, is told.
pub fn progress_of(row: &ContainerRow) -> serde_json::Value {
    let stage = if row.status == "error" {
        "error"
    } else {
        row.stage.as_str()
    };
    json!({"id": row.id, "name": row.name, "stage": stage,
           "message": row.message, "progress": row.progress})
}

impl Provisioner {
    /// Tells the owner where provisioning stands. Losing an event is not fatal (Postgres has
    /// the stage, and a client that reconnects reads it), so failures are only logged.
    pub async fn announce(
        &self,
        container: &ContainerRow,
        stage: &str,
        progress: i32,
        message: &str,
    ) {
        let data = json!({
            "id": container.id,
            "name": container.name,
            "stage": stage,
            "message": message,
            "progress": progress,
        });
        if let Err(err) = self.events.publish(container.user_id, PROGRESS, data).await {
            tracing::warn!(error = %err, container_id = %container.id, "could not publish progress");
        }
    }
}
