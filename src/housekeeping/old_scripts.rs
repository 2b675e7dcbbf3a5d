//! Each build of sandboxd makes a holder of its own shell scripts (see provision/configure.rs);
//! once no environment mounts an older one, it and its image are removed, so upgrades leave
//! nothing behind.

use super::Housekeeper;
use crate::model::engine_names::labels;
use crate::provisioning::shell;

impl Housekeeper {
    pub async fn remove_old_scripts(&self) {
        let runtime = &self.runtime;
        let current = &shell::scripts_holder().version;
        let unused = match runtime.unused_holders(labels::SHELL_SCRIPTS, current).await {
            Ok(unused) => unused,
            Err(err) => return tracing::debug!(error = %err, "old scripts: engine unreachable"),
        };
        for holder in unused {
            let images = shell::scripts_images(&holder.version);
            match runtime.remove_holder(&holder, &images).await {
                Ok(()) => self.repaired("old_scripts_removed", &holder.version),
                Err(err) => tracing::warn!(error = %err, "could not remove old shell scripts"),
            }
        }
    }
}
