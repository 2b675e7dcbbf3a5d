//! What provisioning checks and records about the image an environment runs: images whose
//! `VOLUME`s would be stored outside the disk quota are refused, and images pulled for custom
//! environments, and snapshots' and forks' images, are recorded per node, so that
//! housekeeping removes them once nothing uses them.

use super::catalogue::CUSTOM;
use super::committed::is_committed;
use super::stage_error::StageError;
use super::Provisioner;
use crate::db;
use crate::model::{Environment, ErrorCode};

impl Provisioner {
    /// The engine keeps a `VOLUME` in a volume of its own, outside the container's writable
    /// layer and so outside `--storage-opt size`: one such image would let its environment
    /// fill the engine's disk. Refused, with what to do instead; mounting the paths as tmpfs
    /// would hide the image's files there and lose what is written at every stop.
    pub(super) async fn check_image(
        &self,
        env: &Environment,
        image: &str,
    ) -> Result<(), StageError> {
        let volumes = self.runtime.image_volumes(image).await?;
        if !volumes.is_empty() {
            tracing::info!(image, "refused an image that declares volumes");
            return Err(StageError::Coded {
                code: ErrorCode::ImageHasVolumes,
                message: format!(
                    "image {} declares VOLUME {}; volumes would be stored outside the \
                     environment's disk quota, so such images are not run here. Rebuild the \
                     image without its VOLUME lines (those paths stay ordinary directories, \
                     within the quota) and create the environment again",
                    env.image_ref,
                    volumes.join(", ")
                ),
            });
        }
        // Made from again: housekeeping keeps it for another while.
        if env.image == CUSTOM || is_committed(image) {
            db::images::used(&self.pool, image, &self.settings.node.name).await?;
        }
        Ok(())
    }

    /// Records `reference` as pulled for `env` when it is a custom environment's own image.
    pub(super) async fn record_pull(
        &self,
        env: &Environment,
        reference: &str,
    ) -> Result<(), StageError> {
        let custom = env.image == CUSTOM && !self.catalogue.is_own(reference);
        // A snapshot pulled onto another node than the one it was taken on.
        if custom || is_committed(reference) {
            db::images::pulled(&self.pool, reference, &self.settings.node.name).await?;
        }
        Ok(())
    }
}
