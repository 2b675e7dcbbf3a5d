//! One SFTP session's state: what it holds open, under which handles, and how a client's
//! path is read.

use std::collections::HashMap;
use std::sync::Arc;

use russh_sftp::protocol::{File, Handle as FileHandle, Status, StatusCode};
use russh_sftp::server::StatusReply;

use super::attrs::{failure, status};
use super::reading::Reading;
use super::writing::Writing;
use crate::environments::files::{FilePath, Handle};

/// Where a client lands: root's home, as the browser terminal does.
const HOME: &str = "/root";
/// Open files and directories per session: a bound on what a client can make us hold.
const MAX_OPEN: usize = 64;

pub(super) enum Open {
    Reading(Reading),
    Writing(Writing),
    /// A directory's entries, handed out by the first readdir; the next one says EOF.
    Listing(Option<Vec<File>>),
}

pub(super) struct Sftp {
    pub(super) files: Arc<Handle>,
    pub(super) spool_dir: std::path::PathBuf,
    pub(super) budget: u64,
    pub(super) open: HashMap<String, Open>,
    pub(super) next_handle: u64,
}

impl Sftp {
    pub(super) fn keep(&mut self, id: u32, open: Open) -> Result<FileHandle, StatusReply> {
        if self.open.len() >= MAX_OPEN {
            return Err(failure(format!("at most {MAX_OPEN} open files at once")));
        }
        self.next_handle += 1;
        let handle = self.next_handle.to_string();
        self.open.insert(handle.clone(), open);
        Ok(FileHandle { id, handle })
    }
}

/// A client's path, relative ones from the home directory.
pub(super) fn path(raw: &str) -> Result<FilePath, StatusReply> {
    let absolute = match raw {
        "" | "." => HOME.to_string(),
        raw if raw.starts_with('/') => raw.to_string(),
        raw => format!("{HOME}/{raw}"),
    };
    FilePath::parse(&absolute).map_err(status)
}

pub(super) fn ok(id: u32) -> Status {
    Status {
        id,
        status_code: StatusCode::Ok,
        error_message: "Ok".into(),
        language_tag: "en-US".into(),
    }
}
