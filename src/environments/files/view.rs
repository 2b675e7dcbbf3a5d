//! What the files routes answer: entries as Rexec's clients read them, and downloads.

use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use super::tar_read::{Entry, Kind};
use super::{Body, FilePath};

/// A file, directory or symlink.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FileInfo {
    pub name: String,
    /// Absolute, normalised.
    pub path: String,
    /// Bytes; 0 for directories and symlinks.
    pub size: u64,
    /// Permission bits in octal, e.g. `0644`.
    #[schema(example = "0644")]
    pub mode: String,
    /// As `ls -l` shows them, e.g. `-rw-r--r--`.
    #[schema(example = "-rw-r--r--")]
    pub permissions: String,
    pub mod_time: DateTime<Utc>,
    pub is_dir: bool,
    pub is_symlink: bool,
    /// Where a symlink points, as written in it.
    pub link_target: Option<String>,
}

impl FileInfo {
    pub(super) fn new(path: &FilePath, entry: &Entry) -> Self {
        let name = if path.is_root() { "/" } else { path.name() };
        Self {
            name: name.to_string(),
            path: path.to_string(),
            size: if entry.kind == Kind::File {
                entry.size
            } else {
                0
            },
            mode: format!("{:04o}", entry.mode),
            permissions: permissions(entry.kind, entry.mode),
            mod_time: DateTime::from_timestamp(entry.mtime as i64, 0).unwrap_or_default(),
            is_dir: entry.kind == Kind::Dir,
            is_symlink: entry.kind == Kind::Symlink,
            link_target: entry.link.clone(),
        }
    }
}

fn permissions(kind: Kind, mode: u32) -> String {
    let kind = match kind {
        Kind::Dir => 'd',
        Kind::Symlink => 'l',
        Kind::File => '-',
        Kind::Other => '?',
    };
    let mut text = String::from(kind);
    for shift in [6, 3, 0] {
        let bits = (mode >> shift) & 7;
        text.push(if bits & 4 != 0 { 'r' } else { '-' });
        text.push(if bits & 2 != 0 { 'w' } else { '-' });
        text.push(if bits & 1 != 0 { 'x' } else { '-' });
    }
    text
}

/// A directory's entries.
#[derive(Debug, Serialize, ToSchema)]
pub struct Listing {
    pub path: String,
    pub files: Vec<FileInfo>,
    pub count: usize,
}

/// One file written.
#[derive(Debug, Serialize, ToSchema)]
pub struct Uploaded {
    pub message: String,
    pub path: String,
    pub size: u64,
}

/// A download: one file's bytes, or a tar of a directory.
pub struct Download {
    pub info: FileInfo,
    /// Whether `body` is a tar (of a directory, or of anything when asked for).
    pub tar: bool,
    pub body: Body,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn permissions_read_as_ls_shows_them() {
        assert_eq!(permissions(Kind::File, 0o644), "-rw-r--r--");
        assert_eq!(permissions(Kind::Dir, 0o755), "drwxr-xr-x");
        assert_eq!(permissions(Kind::Symlink, 0o777), "lrwxrwxrwx");
    }
}
