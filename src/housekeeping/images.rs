//! Images pulled for custom environments go once no environment was made from them for
//! `SANDBOXD_UNUSED_IMAGE_SECONDS` and no container, running or stopped, uses them: each
//! guest may pull an image of its own, and the engine's disk would otherwise keep them all.
//! Only images sandboxd itself pulled for a custom environment are ever removed; the
//! catalogue's and the role images are never recorded as such. Each node removes what it
//! pulled itself.

use super::Housekeeper;
use crate::db;

/// Images looked at per round: each removal is an engine call.
const PER_ROUND: i64 = 20;

impl Housekeeper {
    pub async fn remove_unused_images(&self) {
        let Some(unused) = self.settings.capacity.unused_images else {
            return;
        };
        let node = &self.settings.node.name;
        let references = match db::images::unused(&self.pool, unused, PER_ROUND, node).await {
            Ok(references) => references,
            Err(err) => return tracing::warn!(error = %err, "images: database unreachable"),
        };
        for reference in references {
            let removed = match self.runtime.remove_image(&reference).await {
                Ok(removed) => removed,
                Err(err) => return tracing::debug!(error = %err, "images: engine unreachable"),
            };
            let recorded = if removed {
                self.repaired("image_removed", &reference);
                db::images::forget(&self.pool, &reference, node).await
            } else {
                // A container uses it: looked at again after another while.
                db::images::used(&self.pool, &reference, node).await
            };
            if let Err(err) = recorded {
                tracing::warn!(error = %err, "images: database unreachable");
            }
        }
    }
}
