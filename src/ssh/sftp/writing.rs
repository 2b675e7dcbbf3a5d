//! A file written through SFTP: writes land at their offsets in a spool file on the
//! server's disk (unlinked at once, like the HTTP upload's), and the whole file goes into
//! the environment in one archive when the client closes it, as the files service writes
//! any upload. Nothing partial is ever seen in the environment.

use std::io::SeekFrom;
use std::sync::Arc;

use futures_util::StreamExt;
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
        let end = offset
            .checked_add(data.len() as u64)
            .filter(|end| *end <= self.budget)
            .ok_or(EnvironmentError::TooLarge { limit: self.budget })?;
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

    /// Starts from the file as it is, for a client that writes into it in place (opened
    /// without truncating): what it does not write is kept. A file not there yet starts empty.
    pub async fn keep_existing(&mut self, files: &Handle) -> Result<(), EnvironmentError> {
        let download = match files.download(&self.path, false).await {
            Ok(download) => download,
            Err(err) if err.code() == "FILE_NOT_FOUND" => return Ok(()),
            Err(err) => return Err(err),
        };
        if download.info.size > self.budget {
            return Err(EnvironmentError::TooLarge { limit: self.budget });
        }
        let mut body = download.body;
        while let Some(chunk) = body.next().await {
            let chunk = chunk.map_err(EnvironmentError::internal)?;
            self.write(self.size, &chunk).await?;
        }
        Ok(())
    }

    /// The size a client sets (scp does, once written, as the file's final length).
    pub async fn truncate(&mut self, size: u64) -> Result<(), EnvironmentError> {
        if size > self.budget {
            return Err(EnvironmentError::TooLarge { limit: self.budget });
        }
        self.file
            .set_len(size)
            .await
            .map_err(EnvironmentError::internal)?;
        self.size = size;
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
