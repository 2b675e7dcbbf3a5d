//! Snapshots: an environment's filesystem, running or stopped, saved as an image in the
//! deployment's registry so that any node can start it (`image: "snapshot"`); listed, read
//! and deleted by their owner, within the tier's count and storage quotas.
//!
//! A snapshot is taken synchronously: the call answers once the image is in the registry, so
//! a client can create from it at once and nothing half-made is ever shown. Its row holds the
//! name and the quota slot while the commit and push run, and is removed with the local image
//! if either fails.

mod quota;
mod taking;

use uuid::Uuid;

use super::error::{EnvironmentError, Result};
use super::image_choice::SNAPSHOT;
use super::intake::Intake;
use super::request::CreateContainerRequest;
use crate::auth::Principal;
use crate::db;
use crate::model::Snapshot;
use crate::runtime::registry;

service!(
    /// One's snapshots: taken, listed, read, deleted.
    Snapshots
);

impl Snapshots {
    pub async fn list(&self, owner: &Principal) -> Result<Vec<Snapshot>> {
        Ok(db::snapshots::list(&self.shared.pool, owner.id()).await?)
    }

    /// One of the caller's snapshots by id or name; anyone else's is not found.
    pub async fn find(&self, owner: &Principal, reference: &str) -> Result<Snapshot> {
        db::snapshots::by_ref(&self.shared.pool, owner.id(), reference)
            .await?
            .ok_or_else(EnvironmentError::snapshot_not_found)
    }

    /// Deletes the snapshot from the registry, then its record, then the copies nodes keep.
    /// One an environment is being made from is kept until that environment has its image.
    pub async fn delete(&self, owner: &Principal, reference: &str) -> Result<()> {
        let mut tx = self.shared.pool.begin().await?;
        // The lock a create from a snapshot holds: it cannot start from one deleted here.
        db::containers::lock_owner(&mut tx, owner.id()).await?;
        let snapshot = db::snapshots::by_ref(&mut *tx, owner.id(), reference)
            .await?
            .ok_or_else(EnvironmentError::snapshot_not_found)?;
        if db::snapshots::in_use(&mut tx, &snapshot.image_ref).await? {
            return Err(EnvironmentError::conflict(
                "SNAPSHOT_IN_USE",
                "an environment is being created from this snapshot; delete it once that one is ready",
            ));
        }
        // The registry first: while it cannot be reached the record stays, to delete again.
        if let Some(digest) = &snapshot.digest {
            registry::delete_manifest(&snapshot.image_ref, digest)
                .await
                .map_err(|err| {
                    tracing::warn!(error = %err, snapshot_id = %snapshot.id, "registry delete failed");
                    EnvironmentError::engine_unavailable()
                })?;
        }
        db::snapshots::delete(&mut *tx, snapshot.id).await?;
        tx.commit().await?;
        self.remove_copies(&snapshot.image_ref).await;
        tracing::info!(snapshot_id = %snapshot.id, "snapshot deleted");
        Ok(())
    }

    /// Removes the copies nodes keep of `image_ref`; one an environment runs from stays, and
    /// housekeeping's image pass removes it once that environment is gone.
    async fn remove_copies(&self, image_ref: &str) {
        let holders = match db::images::holders(&self.shared.pool, image_ref).await {
            Ok(holders) => holders,
            Err(err) => return tracing::warn!(error = %err, "snapshot copies: database"),
        };
        for node in holders {
            let removed = match self.shared.fleet.runtime_of(Some(&node)).await {
                Ok(runtime) => runtime.remove_image(image_ref).await,
                Err(err) => Err(err.into()),
            };
            match removed {
                Ok(true) => {
                    if let Err(err) = db::images::forget(&self.shared.pool, image_ref, &node).await
                    {
                        tracing::warn!(error = %err, "snapshot copies: database");
                    }
                }
                Ok(false) => {}
                Err(err) => {
                    tracing::warn!(error = %err, node, "snapshot copy left for housekeeping")
                }
            }
        }
    }
}

impl Intake {
    /// A create from a snapshot runs its image: the caller's own snapshot, by id or name.
    pub(super) async fn resolve_snapshot(
        &self,
        owner: &Principal,
        request: &mut CreateContainerRequest,
    ) -> Result<()> {
        if request.image != SNAPSHOT || request.resolved_image.is_some() {
            return Ok(());
        }
        let reference = request.snapshot.as_deref().unwrap_or_default().trim();
        if reference.is_empty() {
            return Err(EnvironmentError::invalid(
                "INVALID_SNAPSHOT",
                "snapshot (an id or name of yours) is required when image is \"snapshot\"",
            ));
        }
        let snapshot = db::snapshots::by_ref(&self.shared.pool, owner.id(), reference)
            .await?
            .ok_or_else(EnvironmentError::snapshot_not_found)?;
        request.resolved_image = Some(snapshot.image_ref);
        Ok(())
    }
}

/// Where a new snapshot's image goes: its own repository, so deleting it by digest can
/// never untag another.
fn image_reference(registry: &str, id: Uuid) -> String {
    format!(
        "{registry}/{}/{id}:snapshot",
        super::image_choice::SNAPSHOT_REPOSITORY
    )
}
