//! Reading and deleting one's environments.

use std::time::Duration;

use super::error::{EnvironmentError, Result};
use crate::auth::Principal;
use crate::db;
use crate::model::{Environment, EnvironmentId, ProgressEvent, Step, UserId};
use crate::provisioning::committed::is_fork;
use crate::provisioning::{announce, finish_removal};
use crate::runtime::{Runtime, RuntimeError};

/// How long a delete waits for the engine before answering that removal goes on in the
/// background (a busy host can take minutes to release a container's storage).
const DELETE_WAIT: Duration = Duration::from_secs(10);

/// An environment marked deleted, and whether its container is already gone too.
pub struct Deletion {
    pub row: Environment,
    pub finished: bool,
}

service!(
    /// One's environments: found by any reference, listed, touched, deleted.
    Records
);

impl Records {
    pub async fn list(&self, owner: &Principal) -> Result<Vec<Environment>> {
        Ok(db::containers::list(&self.shared.pool, owner.id()).await?)
    }

    /// Any environment by its id, whoever owns it: for what proves access another way (a
    /// signed preview link).
    pub async fn by_id(&self, id: EnvironmentId) -> Result<Option<Environment>> {
        Ok(db::containers::by_id(&self.shared.pool, id).await?)
    }

    /// One of the caller's environments by id, docker id or name; anyone else's is not found.
    pub async fn find(&self, owner: &Principal, reference: &str) -> Result<Environment> {
        db::containers::by_ref(&self.shared.pool, owner.id(), reference)
            .await?
            .ok_or_else(EnvironmentError::not_found)
    }

    /// Removes the container and its storage, then the row, in any stage. A worker still
    /// provisioning it sees the status change at its next step and stops.
    pub async fn delete(&self, owner: &Principal, reference: &str) -> Result<Deletion> {
        let found = self.find(owner, reference).await?;
        self.delete_by_id(found.id).await
    }

    /// Deletes any environment, whoever owns it: for admins and housekeeping. Once marked, the
    /// environment is gone for its owner (no quota slot, no operations); if the engine is slow
    /// or unreachable, the removal finishes in the background instead of failing the call.
    pub async fn delete_by_id(&self, id: EnvironmentId) -> Result<Deletion> {
        let row = db::containers::mark_deleting(&self.shared.pool, id)
            .await?
            .ok_or_else(EnvironmentError::not_found)?;
        let finished = match tokio::time::timeout(DELETE_WAIT, self.finish_delete(&row)).await {
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
            announce(
                &self.shared.events,
                &row,
                Step::Deleted,
                100,
                "Environment deleted",
            )
            .await;
            tracing::info!(container_id = %row.id, "environment deleted");
        }
        Ok(Deletion { row, finished })
    }

    async fn finish_delete(&self, row: &Environment) -> Result<(), RuntimeError> {
        let runtime = self.shared.fleet.runtime_for(row).await?;
        finish_removal(&runtime, &self.shared.pool, row.id).await?;
        if is_fork(&row.image_ref) {
            self.remove_fork_image(&runtime, row).await;
        }
        Ok(())
    }

    /// A fork's image runs nowhere else: it goes with its fork. One that cannot be removed
    /// now stays recorded, for housekeeping's image pass.
    async fn remove_fork_image(&self, runtime: &Runtime, row: &Environment) {
        let node = row
            .node
            .as_deref()
            .unwrap_or(&self.shared.settings.node.name);
        match runtime.remove_image(&row.image_ref).await {
            Ok(true) => {
                if let Err(err) = db::images::forget(&self.shared.pool, &row.image_ref, node).await
                {
                    tracing::warn!(error = %err, "removed fork image still recorded");
                }
            }
            Ok(false) => {}
            Err(err) => tracing::warn!(error = %err, container_id = %row.id, "fork image left"),
        }
    }

    /// Where an environment stands, as its progress event; `None` once it is gone.
    pub async fn progress(&self, id: EnvironmentId) -> Result<Option<ProgressEvent>> {
        let found = db::containers::by_id(&self.shared.pool, id).await?;
        Ok(found.as_ref().map(ProgressEvent::of))
    }

    /// Where each of the owner's environments stands, as progress events: what a client that
    /// connects late is told first.
    pub async fn current_progress(&self, owner: UserId) -> Result<Vec<ProgressEvent>> {
        let rows = db::containers::list(&self.shared.pool, owner).await?;
        Ok(rows.iter().map(ProgressEvent::of).collect())
    }

    /// Records activity on the environment, pushing its idle deadline back.
    pub async fn touch(&self, id: EnvironmentId) {
        if let Err(err) = db::containers::touch(&self.shared.pool, id).await {
            tracing::warn!(error = %err, container_id = %id, "could not record activity");
        }
    }
}
