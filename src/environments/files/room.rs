//! Room for an upload on a stopped environment. A running one removes what an upload left
//! when the quota ran out part way; a stopped one cannot run anything to remove it, so its
//! upload is measured against the room left before a byte is written. Nothing else writes
//! to a stopped environment, so the measure holds while the upload runs.

use super::upload::Upload;
use super::Handle;
use crate::environments::error::{EnvironmentError, Result};
use crate::model::Status;

/// Files take whole blocks, and each its own entry.
const BLOCK: u64 = 4096;

impl Handle {
    pub(super) async fn ensure_room(&self, uploads: &[Upload]) -> Result<()> {
        let settings = &self.files.shared.settings;
        if self.row.status == Status::Running || !settings.disk_quota {
            return Ok(());
        }
        let quota = u64::try_from(self.row.disk_mb).unwrap_or_default() * 1024 * 1024;
        let written = self
            .runtime()
            .written_bytes(&self.container)
            .await
            .map_err(|err| {
                EnvironmentError::from_engine(&err, "UPLOAD_FAILED", "the upload failed")
            })?;
        let needed: u64 = uploads
            .iter()
            .map(|upload| upload.size.div_ceil(BLOCK) * BLOCK + BLOCK)
            .sum();
        if written.saturating_add(needed) > quota {
            return Err(EnvironmentError::QuotaExceeded);
        }
        Ok(())
    }
}
