//! Files in an environment: list, stat, download, upload, make directories, delete, move.
//! Reads and writes go through the engine's archive endpoints, which need nothing in the
//! image and work on a stopped environment; delete and move run sandboxd's own static busybox
//! (never the tenant's shell or tools), so they need the environment running.

mod extract;
mod listing_exec;
mod ops;
mod ownership;
mod path;
mod read;
mod room;
mod tar_read;
mod tar_write;
mod upload;
mod view;

use std::pin::Pin;

use bytes::Bytes;
use futures_util::Stream;

use crate::auth::Principal;
use crate::environments::error::{EnvironmentError, Result};
use crate::model::engine_names::container_name;
use crate::model::{Environment, Status};
use crate::runtime::{is_out_of_space, is_unpack_refusal, Runtime, RuntimeError};

pub use ops::Done;
pub use path::FilePath;
pub use upload::{LocalBody, Spooled, Upload};
pub use view::{Download, FileInfo, Listing, Uploaded};

/// Bytes coming in or going out, chunk by chunk.
pub type Body = Pin<Box<dyn Stream<Item = std::io::Result<Bytes>> + Send>>;

service!(
    /// Moving files in and out of environments.
    Files
);

impl Files {
    /// The caller's environment, ready for file operations: it must have its container.
    pub async fn open(&self, owner: &Principal, reference: &str) -> Result<Handle> {
        let row = self.shared.records().find(owner, reference).await?;
        if row.docker_id.is_none() {
            return Err(EnvironmentError::conflict(
                "CONTAINER_NOT_READY",
                format!(
                    "the environment is {} and has no filesystem yet",
                    row.status
                ),
            ));
        }
        // The engine's archive endpoints work on a frozen container, but delete, move,
        // listing and an upload's clean-up run a process in it: a file operation is use,
        // and wakes the environment as a terminal or exec does.
        let row = super::pause::Pausing::new(self.shared.clone())
            .wake(row)
            .await?;
        let runtime = self.shared.fleet.runtime_for(&row).await?;
        self.shared.records().touch(row.id).await;
        Ok(Handle {
            files: self.clone(),
            runtime,
            container: container_name(row.id),
            row,
        })
    }

    /// The most one upload may carry.
    pub fn max_upload_bytes(&self) -> u64 {
        self.shared.settings.files.max_upload_bytes
    }
}

/// One environment's filesystem, found and checked.
pub struct Handle {
    files: Files,
    /// The engine of the environment's node.
    runtime: Runtime,
    container: String,
    row: Environment,
}

impl Handle {
    fn runtime(&self) -> &Runtime {
        &self.runtime
    }

    fn require_running(&self) -> Result<()> {
        if self.row.status == Status::Running {
            Ok(())
        } else {
            Err(EnvironmentError::conflict(
                "CONTAINER_NOT_RUNNING",
                format!("the environment is {}, not running", self.row.status),
            ))
        }
    }
}

/// An engine failure on a path: missing, full, refused or unreachable.
fn engine_error(err: RuntimeError, path: &FilePath) -> EnvironmentError {
    if is_out_of_space(&err) {
        return EnvironmentError::QuotaExceeded;
    }
    let refused = is_unpack_refusal(&err);
    match err {
        RuntimeError::NotFound(_) => not_found(path),
        RuntimeError::Rejected(message) => refusal(path, &message),
        RuntimeError::Unavailable(message) if refused => refusal(path, &message),
        RuntimeError::Unavailable(message) => {
            tracing::warn!(%path, %message, "file operation failed in the engine");
            EnvironmentError::engine_unavailable()
        }
    }
}

fn refusal(path: &FilePath, message: &str) -> EnvironmentError {
    tracing::info!(%path, %message, "the engine refused a file operation");
    EnvironmentError::conflict(
        "FILE_OPERATION_REFUSED",
        format!("{path}: refused (a directory or file in the way, or a read-only location)"),
    )
}

fn not_found(path: &FilePath) -> EnvironmentError {
    EnvironmentError::not_found_as(
        "FILE_NOT_FOUND",
        format!("{path}: no such file or directory"),
    )
}
