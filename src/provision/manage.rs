//! Reading and deleting one's environments.

use std::time::Duration;

use uuid::Uuid;

use super::{container_name, Provisioner};
use crate::auth::Principal;
use crate::db::{self, containers::ContainerRow};
use crate::error::{ApiError, ApiResult};
use crate::runtime::RuntimeError;

/// How long a delete waits for the engine before answering that removal goes on in the
/// background (a busy host can take minutes to release a container's storage).
const DELETE_WAIT: Duration = Duration::from_secs(10);

/// An environment marked deleted, and whether its container is already gone too.
pub struct Deletion {
    pub row: ContainerRow,
    pub finished: bool,
}

impl Provisioner {
    pub async fn list(&self, owner: &Principal) -> ApiResult<Vec<ContainerRow>> {
        Ok(db::containers::list(&self.pool, owner.id()).await?)
    }

    /// One of the caller's environments by id, docker id or name; anyone else's is not found.
    pub async fn find(&self, owner: &Principal, reference: &str) -> ApiResult<ContainerRow> {
        db::containers::by_ref(&self.pool, owner.id(), reference)
            .await?
            .ok_or_else(|| ApiError::not_found("CONTAINER_NOT_FOUND", "Container not found"))
    }

    /// Removes the container and its storage, then the row, in any stage. A worker still
    /// provisioning it sees the status change at its next step and stops.
    pub async fn delete(&self, owner: &Principal, reference: &str) -> ApiResult<Deletion> {
        let found = self.find(owner, reference).await?;
        self.delete_by_id(found.id).await
    }

    /// Deletes any environment, whoever owns it: for admins and housekeeping. Once marked, the
    /// environment is gone for its owner (no quota slot, no operations); if the engine is slow
    /// or unreachable, the removal finishes in the background instead of failing the call.
    pub async fn delete_by_id(&self, id: Uuid) -> ApiResult<Deletion> {
        let row = db::containers::mark_deleting(&self.pool, id)
            .await?
            .ok_or_else(|| ApiError::not_found("CONTAINER_NOT_FOUND", "Container not found"))?;
        let finished = match tokio::time::timeout(DELETE_WAIT, self.finish_delete(row.id)).await {
            Ok(Ok(())) => true,
            Ok(Err(err)) => {
                tracing::warn!(error = %err, container_id = %row.id, "removal left to the background");
                false
            }
            Err(_) => {
                tracing::warn!(container_id = %row.id, "removal slow; left to the background");
                false
            }
        };
        if finished {
            self.announce(&row, "deleted", 100, "Environment deleted")
                .await;
            tracing::info!(container_id = %row.id, "environment deleted");
        }
        Ok(Deletion { row, finished })
    }

    async fn finish_delete(&self, id: Uuid) -> Result<(), RuntimeError> {
        self.runtime.remove_container(&container_name(id)).await?;
        db::containers::delete(&self.pool, id)
            .await
            .map_err(|err| RuntimeError::Unavailable(err.to_string()))
    }

    /// Records activity on the environment, pushing its idle deadline back.
    pub async fn touch(&self, id: Uuid) {
        if let Err(err) = db::containers::touch(&self.pool, id).await {
            tracing::warn!(error = %err, container_id = %id, "could not record activity");
        }
    }

    /// Finishes deletes that failed earlier because the engine was unreachable.
    pub async fn retry_stuck_deletes(&self, quiet: Duration) -> Result<(), sqlx::Error> {
        let stuck = db::containers::stuck_deleting(&self.pool, quiet).await?;
        for id in stuck {
            if let Err(err) = self.finish_delete(id).await {
                tracing::warn!(error = %err, container_id = %id, "delete still failing");
            }
        }
        Ok(())
    }
}
