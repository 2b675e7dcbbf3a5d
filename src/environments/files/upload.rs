//! Writing files into an environment: each file a tar entry whose header is made here and
//! whose body streams behind it into the engine, all files in one archive unpacked at `/` (so
//! missing parent directories are made). The caller's body is read as the engine takes it,
//! through a small channel: memory holds a few chunks, whatever the size.

use std::io;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use bytes::Bytes;
use futures_util::{Stream, StreamExt};
use tokio::io::{AsyncSeekExt, AsyncWriteExt};
use tokio::sync::mpsc;

use super::tar_write::{file_header, padding, END};
use super::{engine_error, FilePath, Files, Handle, Uploaded};
use crate::environments::error::{EnvironmentError, Result};
use crate::provisioning::helper::BUSYBOX;

/// Chunks in flight between the caller's body and the engine.
const IN_FLIGHT: usize = 8;
const SPOOL_CHUNK: usize = 64 * 1024;

/// A body read on the request's own task: it need not be `Send`.
pub type LocalBody = Pin<Box<dyn Stream<Item = io::Result<Bytes>>>>;

/// One file to write: where, how many bytes, and the bytes.
pub struct Upload {
    pub path: FilePath,
    pub size: u64,
    pub body: LocalBody,
}

/// A body written to an unlinked spool file, so its size is known before it is sent.
pub struct Spooled {
    pub(super) file: tokio::fs::File,
    pub size: u64,
}

impl Spooled {
    /// A file the caller wrote itself (read and write, positioned anywhere): `size` bytes
    /// of it, from its start, are what goes.
    pub fn from_file(file: tokio::fs::File, size: u64) -> Self {
        Self { file, size }
    }

    pub fn into_upload(self, path: FilePath) -> Upload {
        let size = self.size;
        Upload {
            path,
            size,
            body: Box::pin(self.into_stream()),
        }
    }

    pub(super) fn into_stream(self) -> tokio_util::io::ReaderStream<tokio::fs::File> {
        tokio_util::io::ReaderStream::with_capacity(self.file, SPOOL_CHUNK)
    }
}

impl Files {
    /// Writes `body` to disk, refusing it past `budget` bytes.
    pub async fn spool(
        &self,
        mut body: impl Stream<Item = io::Result<Bytes>> + Unpin,
        budget: u64,
    ) -> Result<Spooled> {
        let dir = &self.shared.settings.files.spool_dir;
        tokio::fs::create_dir_all(dir)
            .await
            .map_err(EnvironmentError::internal)?;
        let path = dir.join(format!("sandboxd-upload-{}", uuid::Uuid::new_v4().simple()));
        let mut file = tokio::fs::File::options()
            .read(true)
            .write(true)
            .create_new(true)
            .open(&path)
            .await
            .map_err(EnvironmentError::internal)?;
        // Unlinked at once: the open handle keeps it, and nothing is left behind if this
        // request or the whole process ends early.
        let _ = tokio::fs::remove_file(&path).await;
        let mut size = 0u64;
        while let Some(chunk) = body.next().await {
            let chunk = chunk.map_err(|err| client_error(&err))?;
            size += chunk.len() as u64;
            if size > budget {
                return Err(EnvironmentError::TooLarge {
                    limit: self.max_upload_bytes(),
                });
            }
            file.write_all(&chunk)
                .await
                .map_err(EnvironmentError::internal)?;
        }
        file.flush().await.map_err(EnvironmentError::internal)?;
        file.rewind().await.map_err(EnvironmentError::internal)?;
        Ok(Spooled { file, size })
    }
}

impl Handle {
    /// Writes every file, in order, in one archive. On failure the file being written when
    /// it happened is removed (where the environment runs), so no partial file is left.
    pub async fn upload(&self, uploads: Vec<Upload>) -> Result<Vec<Uploaded>> {
        if let Some(root) = uploads.iter().find(|u| u.path.is_root()) {
            return Err(EnvironmentError::invalid(
                "INVALID_PATH",
                format!("{}: a file needs a name", root.path),
            ));
        }
        self.ensure_room(&uploads).await?;
        let written: Vec<Uploaded> = uploads
            .iter()
            .map(|u| Uploaded {
                message: "File uploaded successfully".into(),
                path: u.path.to_string(),
                size: u.size,
            })
            .collect();
        let paths: Vec<FilePath> = uploads.iter().map(|u| u.path.clone()).collect();
        let current = AtomicUsize::new(0);
        let (sender, receiver) = mpsc::channel::<io::Result<Bytes>>(IN_FLIGHT);
        let tar = futures_util::stream::unfold(receiver, |mut receiver| async move {
            receiver.recv().await.map(|chunk| (chunk, receiver))
        });
        let engine = self.runtime().write_archive(&self.container, "/", tar);
        let (engine, pumped) = tokio::join!(engine, pump(uploads, sender, &current));
        let failure = match (pumped, engine) {
            (Ok(()), Ok(())) => return Ok(written),
            // The caller's side first: the engine's error then only says the body broke.
            (Err(err), _) => err,
            (Ok(()), Err(err)) => {
                engine_error(err, &paths[current.load(Ordering::SeqCst).max(1) - 1])
            }
        };
        if let Some(index) = current.load(Ordering::SeqCst).checked_sub(1) {
            self.remove_partial(&paths[index]).await;
        }
        Err(failure)
    }

    async fn remove_partial(&self, path: &FilePath) {
        if self.require_running().is_err() {
            return;
        }
        let command = [BUSYBOX, "rm", "-f", "--", path.as_str()]
            .map(String::from)
            .to_vec();
        let removed = self
            .runtime()
            .exec(
                &self.container,
                command,
                Vec::new(),
                Duration::from_secs(30),
            )
            .await;
        if let Err(err) = removed {
            tracing::warn!(%path, error = %err, "could not remove a partly written file");
        }
    }
}

/// Feeds the archive: each file's header, body and padding, then the end. `current` tells
/// which file (from 1) is being sent.
async fn pump(
    uploads: Vec<Upload>,
    sender: mpsc::Sender<io::Result<Bytes>>,
    current: &AtomicUsize,
) -> Result<()> {
    // The engine hanging up shows as a closed channel; its own error tells why.
    let send = |chunk: io::Result<Bytes>| {
        let sender = sender.clone();
        async move { sender.send(chunk).await.is_ok() }
    };
    for (index, mut upload) in uploads.into_iter().enumerate() {
        current.store(index + 1, Ordering::SeqCst);
        let header = file_header(upload.path.relative(), upload.size)
            .map_err(|err| EnvironmentError::invalid("INVALID_PATH", err.to_string()))?;
        if !send(Ok(header)).await {
            return Ok(());
        }
        let mut sent = 0u64;
        while let Some(chunk) = upload.body.next().await {
            let chunk = match chunk {
                Ok(chunk) => chunk,
                Err(err) => {
                    let refused = client_error(&err);
                    send(Err(err)).await;
                    return Err(refused);
                }
            };
            sent += chunk.len() as u64;
            if sent > upload.size {
                send(Err(io::Error::other("body longer than declared"))).await;
                return Err(EnvironmentError::invalid(
                    "INVALID_BODY",
                    "the body is longer than its Content-Length",
                ));
            }
            if !send(Ok(chunk)).await {
                return Ok(());
            }
        }
        if sent < upload.size {
            send(Err(io::Error::other("body shorter than declared"))).await;
            return Err(EnvironmentError::invalid(
                "INVALID_BODY",
                "the body ended before its Content-Length",
            ));
        }
        if !send(Ok(padding(upload.size))).await {
            return Ok(());
        }
    }
    send(Ok(Bytes::from_static(&END))).await;
    Ok(())
}

/// The caller's body broke off (a dropped connection, a malformed multipart part).
fn client_error(err: &io::Error) -> EnvironmentError {
    EnvironmentError::invalid("INVALID_BODY", format!("reading the upload failed: {err}"))
}
