//! Making directories (an archive of one directory entry, so it works on a stopped
//! environment too), and deleting and moving, which the archive endpoints cannot do: those
//! run sandboxd's static busybox in the environment, not the tenant's own tools.

use std::time::Duration;

use bytes::Bytes;
use serde::Serialize;
use utoipa::ToSchema;

use super::tar_write::{dir_header, END};
use super::{engine_error, FilePath, Handle};
use crate::environments::error::{EnvironmentError, Result};
use crate::provisioning::helper::BUSYBOX;

const COMMAND_TIMEOUT: Duration = Duration::from_secs(60);

/// What a mkdir, delete or move did.
#[derive(Debug, Serialize, ToSchema)]
pub struct Done {
    pub message: String,
    pub path: String,
    /// For a move: where it went.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
}

impl Handle {
    /// Makes the directory and its missing parents; one already there is left as it is.
    pub async fn mkdir(&self, path: &FilePath) -> Result<Done> {
        match self.stat(path).await {
            Ok(found) if found.is_dir => return Ok(done("Directory already exists", path)),
            Ok(_) => {
                return Err(EnvironmentError::conflict(
                    "FILE_EXISTS",
                    format!("{path} exists and is not a directory"),
                ))
            }
            Err(EnvironmentError::NotFound { .. }) => {}
            Err(err) => return Err(err),
        }
        let header = dir_header(path.relative())
            .map_err(|err| EnvironmentError::invalid("INVALID_PATH", err.to_string()))?;
        let tar = futures_util::stream::iter([Ok(header), Ok(Bytes::from_static(&END))]);
        self.runtime()
            .write_archive(&self.container, "/", tar)
            .await
            .map_err(|err| engine_error(err, path))?;
        Ok(done("Directory created successfully", path))
    }

    /// Deletes a file, or a directory with everything in it.
    pub async fn delete(&self, path: &FilePath) -> Result<Done> {
        if path.is_root() {
            return Err(EnvironmentError::invalid(
                "INVALID_PATH",
                "/ cannot be deleted",
            ));
        }
        self.require_running()?;
        self.stat(path).await?;
        self.busybox(&["rm", "-rf", "--", path.as_str()], "DELETE_FAILED")
            .await?;
        Ok(done("Deleted successfully", path))
    }

    /// Moves or renames, as `mv` does: into `to` when it is an existing directory.
    pub async fn rename(&self, from: &FilePath, to: &FilePath) -> Result<Done> {
        if from.is_root() || to.is_root() {
            return Err(EnvironmentError::invalid(
                "INVALID_PATH",
                "/ cannot be moved",
            ));
        }
        self.require_running()?;
        self.stat(from).await?;
        self.busybox(&["mv", "--", from.as_str(), to.as_str()], "MOVE_FAILED")
            .await?;
        Ok(Done {
            to: Some(to.to_string()),
            ..done("Moved successfully", from)
        })
    }

    async fn busybox(&self, args: &[&str], code: &'static str) -> Result<()> {
        let command = std::iter::once(BUSYBOX)
            .chain(args.iter().copied())
            .map(String::from)
            .collect();
        let output = self
            .runtime()
            .exec(&self.container, command, Vec::new(), COMMAND_TIMEOUT)
            .await
            .map_err(|err| EnvironmentError::from_engine(&err, code, "the command failed"))?;
        if output.exit_code == 0 {
            return Ok(());
        }
        // busybox's own words about the tenant's own files: a permission, a busy mount.
        let said = output
            .stderr
            .trim()
            .trim_start_matches("rm: ")
            .trim_start_matches("mv: ");
        Err(EnvironmentError::conflict(code, said.to_string()))
    }
}

fn done(message: &str, path: &FilePath) -> Done {
    Done {
        message: message.into(),
        path: path.to_string(),
        to: None,
    }
}
