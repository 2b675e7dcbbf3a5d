//! The end of an environment: its container and storage, then its row. A delete that the
//! engine could not finish is retried by the workers' maintenance loop.

use std::time::Duration;

use sqlx::PgPool;

use super::Provisioner;
use crate::db;
use crate::model::engine_names::container_name;
use crate::model::EnvironmentId;
use crate::runtime::{Runtime, RuntimeError};

/// Removes the environment's container, then its row (already marked `deleting`).
pub async fn finish_removal(
    runtime: &Runtime,
    pool: &PgPool,
    id: EnvironmentId,
) -> Result<(), RuntimeError> {
    runtime.remove_container(&container_name(id)).await?;
    db::containers::delete(pool, id)
        .await
        .map_err(|err| RuntimeError::Unavailable(err.to_string()))
}

impl Provisioner {
    /// Finishes deletes that failed earlier because the engine was unreachable: those on this
    /// worker's own engine, the only one it removes from. Another node's would look gone
    /// here, and their rows would go while their containers stayed.
    pub(super) async fn retry_stuck_deletes(&self, quiet: Duration) -> Result<(), sqlx::Error> {
        let node = &self.settings.node.name;
        let stuck = db::containers::stuck_deleting(&self.pool, quiet, node).await?;
        for id in stuck {
            if let Err(err) = finish_removal(&self.runtime, &self.pool, id).await {
                tracing::warn!(error = %err, container_id = %id, "delete still failing");
            }
        }
        Ok(())
    }
}
