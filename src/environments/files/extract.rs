//! A caller's own tar unpacked into a directory (`?extract=true`). Its entries are owned by
//! the environment's user whatever the tar says, and the engine keeps them inside the
//! environment's filesystem however they are named.

use super::{engine_error, FilePath, Handle, Spooled, Uploaded};
use crate::environments::error::Result;

impl Handle {
    pub async fn extract(&self, dir: &FilePath, tar: Spooled) -> Result<Uploaded> {
        let tar = tar.owned_by_root().await?;
        self.mkdir(dir).await?;
        let size = tar.size;
        self.runtime()
            .write_archive(&self.container, dir.as_str(), tar.into_stream())
            .await
            .map_err(|err| engine_error(err, dir))?;
        Ok(Uploaded {
            message: "Archive extracted successfully".into(),
            path: dir.to_string(),
            size,
        })
    }
}
