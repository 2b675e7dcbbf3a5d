//! Moving files in and out of environments: how much one upload may carry, and where uploads
//! whose size is not known up front wait before they go to the engine.

use std::path::PathBuf;

use super::Env;

#[derive(Clone, Debug)]
pub struct FileTransfers {
    /// Bytes one upload request may carry (all its files together).
    pub max_upload_bytes: u64,
    /// Multipart parts are written here first: a tar entry needs its size before its bytes,
    /// and a browser does not say how big each part is. Disk, not memory, takes them.
    pub spool_dir: PathBuf,
}

impl FileTransfers {
    pub(super) fn from_env(env: &Env<'_>) -> anyhow::Result<Self> {
        let megabytes: u64 = env.get("SANDBOXD_FILES_MAX_UPLOAD_MB", 512)?;
        let spool_dir: String = env.get(
            "SANDBOXD_FILES_SPOOL_DIR",
            std::env::temp_dir().display().to_string(),
        )?;
        Ok(Self {
            max_upload_bytes: megabytes.max(1) * 1024 * 1024,
            spool_dir: spool_dir.into(),
        })
    }
}
