//! The files service's answers in SFTP's terms: entries as attributes, errors as statuses.

use russh_sftp::protocol::{FileAttributes, StatusCode};
use russh_sftp::server::StatusReply;

use crate::environments::files::FileInfo;
use crate::environments::EnvironmentError;

const TYPE_DIR: u32 = 0o040000;
const TYPE_FILE: u32 = 0o100000;
const TYPE_SYMLINK: u32 = 0o120000;

pub(super) fn attributes(info: &FileInfo) -> FileAttributes {
    let kind = if info.is_dir {
        TYPE_DIR
    } else if info.is_symlink {
        TYPE_SYMLINK
    } else {
        TYPE_FILE
    };
    let mode = u32::from_str_radix(&info.mode, 8).unwrap_or(0o644);
    let mtime = u32::try_from(info.mod_time.timestamp()).unwrap_or(0);
    FileAttributes {
        size: Some(info.size),
        uid: Some(0),
        user: None,
        gid: Some(0),
        group: None,
        permissions: Some(kind | mode),
        atime: Some(mtime),
        mtime: Some(mtime),
    }
}

/// A service error as the status an SFTP client shows: its own message kept.
pub(super) fn status(err: EnvironmentError) -> StatusReply {
    let code = match err.code() {
        "FILE_NOT_FOUND" | "CONTAINER_NOT_FOUND" => StatusCode::NoSuchFile,
        "PERMISSION_DENIED" => StatusCode::PermissionDenied,
        _ => StatusCode::Failure,
    };
    code.with_message(err.to_string())
}

pub(super) fn failure(message: impl Into<String>) -> StatusReply {
    StatusCode::Failure.with_message(message)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn info(mode: &str, is_dir: bool, is_symlink: bool) -> FileInfo {
        FileInfo {
            name: "x".into(),
            path: "/x".into(),
            size: 3,
            mode: mode.into(),
            permissions: String::new(),
            mod_time: chrono::DateTime::from_timestamp(1_700_000_000, 0).unwrap(),
            is_dir,
            is_symlink,
            link_target: None,
        }
    }

    #[test]
    fn the_kind_and_the_permission_bits_make_the_mode() {
        assert_eq!(
            attributes(&info("0644", false, false)).permissions,
            Some(0o100644)
        );
        assert_eq!(
            attributes(&info("0755", true, false)).permissions,
            Some(0o040755)
        );
        assert_eq!(
            attributes(&info("0777", false, true)).permissions,
            Some(0o120777)
        );
        assert_eq!(
            attributes(&info("0644", false, false)).mtime,
            Some(1_700_000_000)
        );
    }
}
