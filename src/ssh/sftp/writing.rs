//! A file written through SFTP: writes land at their offsets in a spool file on the
//! server's disk (unlinked at once, like the HTTP upload's), and the whole file goes into
//! the environment in one archive when the client closes it, as the files service writes
//! any upload. Nothing partial is ever seen in the environment.

use std::io::SeekFrom;
use std::sync::Arc;

use tokio::io::{AsyncSeekExt, AsyncWriteExt};

use crate::environments::files::{FilePath, Handle, Spooled};
use crate::environments::EnvironmentError;

pub(super) struct Writing {
    pub path: FilePath,
    file: tokio::fs::File,
    size: u64,
    budget: u64,
}

impl Writing {
    pub async fn create(
        path: FilePath,
        spool_dir: &std::path::Path,
        budget: u64,
    ) -> Result<Self, EnvironmentError> {
        tokio::fs::create_dir_all(spool_dir)
            .await
            .map_err(EnvironmentError::internal)?;
        let spool = spool_dir.join(format!("sandboxd-sftp-{}", uuid::Uuid::new_v4().simple()));
        let file = tokio::fs::File::options()
            .read(true)
            .write(true)
            .create_new(true)
            .open(&spool)
            .await
            .map_err(EnvironmentError::internal)?;
        let _ = tokio::fs::remove_file(&spool).await;
        Ok(Self {
            path,
            file,
            size: 0,
            budget,
        })
    }

    pub async fn write(&mut self, offset: u64, data: &[u8]) -> Result<(), EnvironmentError> {
        let end = offset + data.len() as u64;
        if end > self.budget {
            return Err(EnvironmentError::TooLarge { limit: self.budget });
        }
        self.file
            .seek(SeekFrom::Start(offset))
            .await
            .map_err(EnvironmentError::internal)?;
        self.file
            .write_all(data)
            .await
            .map_err(EnvironmentError::internal)?;
        self.size = self.size.max(end);
        Ok(())
    }

    /// Sends the file into the environment. The files service reads an upload's body on
    /// its caller's task (an HTTP body is not `Send`), so the upload runs on a local task
    /// set of its own, off the SSH connection's tasks.
    pub async fn finish(mut self, files: Arc<Handle>) -> Result<(), EnvironmentError> {
        self.file
            .flush()
            .await
            .map_err(EnvironmentError::internal)?;
        self.file
            .seek(SeekFrom::Start(0))
            .await
            .map_err(EnvironmentError::internal)?;
        let (spooled, path) = (Spooled::from_file(self.file, self.size), self.path);
        let runtime = tokio::runtime::Handle::current();
        tokio::task::spawn_blocking(move || {
            let local = tokio::task::LocalSet::new();
            let upload = async move { files.upload(vec![spooled.into_upload(path)]).await };
            runtime.block_on(local.run_until(upload))
        })
        .await
        .map_err(EnvironmentError::internal)?
        .map(|_| ())
    }
}
