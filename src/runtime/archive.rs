//! The engine's archive endpoints: a path in a container's filesystem read out as a tar, and
//! a tar unpacked into it. They need no shell or tools in the image and work on a stopped
//! container too. Both directions stream: nothing here holds more than a chunk.

use std::pin::Pin;
use std::time::Duration;

use bollard::query_parameters::{DownloadFromContainerOptions, UploadToContainerOptions};
use bytes::Bytes;
use futures_util::{Stream, TryStreamExt};

use super::{Runtime, RuntimeError};

/// The engine answers an upload only once it has unpacked all of it, and the client's request
/// timeout runs until that answer: at its usual two minutes, a 1 GB upload from a caller
/// slower than about 8 MB/s would be cut off.
const UPLOAD_TIMEOUT: Duration = Duration::from_secs(3600);

/// A tar as the engine sends it, chunk by chunk.
pub type TarStream = Pin<Box<dyn Stream<Item = Result<Bytes, RuntimeError>> + Send>>;

impl Runtime {
    /// `path` and, for a directory, everything under it, as a tar whose first entry is `path`
    /// itself (named by its last component). A symlink comes as the link, not its target.
    pub async fn read_archive(
        &self,
        container: &str,
        path: &str,
    ) -> Result<TarStream, RuntimeError> {
        let docker = self.client().await?;
        let options = DownloadFromContainerOptions {
            path: path.to_string(),
        };
        let stream = docker
            .download_from_container(container, Some(options))
            .map_err(RuntimeError::from);
        Ok(Box::pin(stream))
    }

    /// Unpacks `tar` into the directory `path`, which must exist. Where the container names
    /// a user, entries become that user's; where it names none the tar's own owners stand
    /// (shifted by the user namespace), so callers make sure of those.
    pub async fn write_archive(
        &self,
        container: &str,
        path: &str,
        tar: impl Stream<Item = Result<Bytes, std::io::Error>> + Send + 'static,
    ) -> Result<(), RuntimeError> {
        // A copy of the client: the timeout is the copy's alone.
        let mut docker = self.client().await?;
        docker.set_timeout(UPLOAD_TIMEOUT);
        let options = UploadToContainerOptions {
            path: path.to_string(),
            // A file must not replace a directory or the other way round, as `cp` would not.
            no_overwrite_dir_non_dir: Some("1".into()),
            copy_uidgid: Some("1".into()),
        };
        docker
            .upload_to_container(container, Some(options), bollard::body_try_stream(tar))
            .await
            .map_err(RuntimeError::from)
    }
}

/// Whether the engine failed to unpack a tar for what the tar holds (a file where a directory
/// is, a path under a file, a read-only location): a 500 from the engine, but the request's
/// fault, not the engine's.
pub fn is_unpack_refusal(err: &RuntimeError) -> bool {
    matches!(err, RuntimeError::Unavailable(m) if m.contains("Error processing tar file"))
}

/// Whether an engine failure says the filesystem (or the container's quota on it) is full.
pub fn is_out_of_space(err: &RuntimeError) -> bool {
    let message = match err {
        RuntimeError::NotFound(m) | RuntimeError::Rejected(m) | RuntimeError::Unavailable(m) => m,
    };
    let message = message.to_ascii_lowercase();
    message.contains("no space left") || message.contains("quota exceeded")
}
