//! Reading an environment's files through the engine's archive endpoint: a stat is the first
//! header of the path's tar, a listing its headers one level down, a download the first
//! entry's body (or the tar itself), streamed as the engine sends it.

use futures_util::{StreamExt, TryStreamExt};

use super::tar_read::{Entry, Kind, ReadError, TarReader};
use super::{engine_error, not_found, Download, FileInfo, FilePath, Handle, Listing};
use crate::environments::error::{EnvironmentError, Result};

/// Symlinks a download follows before it gives up, as the kernel's own limit does.
const MAX_LINKS: usize = 40;

impl Handle {
    pub async fn stat(&self, path: &FilePath) -> Result<FileInfo> {
        let (entry, _) = self.first(path).await?;
        Ok(FileInfo::new(path, &entry))
    }

    pub async fn list(&self, path: &FilePath) -> Result<Listing> {
        let files = match self.list_by_exec(path).await {
            Some(files) => files,
            None => {
                tracing::debug!(%path, "listing from the engine's archive");
                self.list_by_archive(path).await?
            }
        };
        Ok(Listing {
            path: path.to_string(),
            count: files.len(),
            files: sorted(files),
        })
    }

    /// Works stopped as well, but reads the directory's whole tree.
    async fn list_by_archive(&self, path: &FilePath) -> Result<Vec<FileInfo>> {
        let (top, mut reader) = self.first(path).await?;
        if top.kind != Kind::Dir {
            return Err(EnvironmentError::invalid(
                "NOT_A_DIRECTORY",
                format!("{path} is not a directory"),
            ));
        }
        // Entries come depth first: the whole tree is read past, but only headers are kept.
        let prefix = if top.name.is_empty() {
            String::new()
        } else {
            format!("{}/", top.name)
        };
        let mut files = Vec::new();
        while let Some(entry) = reader.next().await.map_err(|e| read_error(e, path))? {
            let Some(child) = entry.name.strip_prefix(&prefix) else {
                continue;
            };
            if child.is_empty() || child.contains('/') {
                continue;
            }
            let child_path = path.join(child)?;
            files.push(FileInfo::new(&child_path, &entry));
        }
        Ok(files)
    }

    /// A file's bytes, following symlinks; a directory (or anything, with `tar`) as a tar.
    pub async fn download(&self, path: &FilePath, tar: bool) -> Result<Download> {
        let mut path = path.clone();
        for _ in 0..MAX_LINKS {
            let (entry, reader) = self.first(&path).await?;
            let info = FileInfo::new(&path, &entry);
            match entry.kind {
                _ if tar => return self.tar_of(&path, info).await,
                Kind::Symlink => path = follow(&path, entry.link.as_deref().unwrap_or(""))?,
                Kind::Dir => {
                    return Err(EnvironmentError::invalid(
                        "IS_A_DIRECTORY",
                        format!("{path} is a directory: ask for it with format=tar"),
                    ))
                }
                Kind::Other => {
                    return Err(EnvironmentError::invalid(
                        "NOT_A_REGULAR_FILE",
                        format!("{path} is not a regular file"),
                    ))
                }
                Kind::File => {
                    let body = reader.body(entry.size).map_err(std::io::Error::other);
                    return Ok(Download {
                        info,
                        tar: false,
                        body: Box::pin(body),
                    });
                }
            }
        }
        Err(EnvironmentError::invalid(
            "TOO_MANY_LINKS",
            format!("{path}: too many levels of symbolic links"),
        ))
    }

    async fn tar_of(&self, path: &FilePath, info: FileInfo) -> Result<Download> {
        let stream = self
            .runtime()
            .read_archive(&self.container, path.as_str())
            .await
            .map_err(|e| engine_error(e, path))?;
        Ok(Download {
            info,
            tar: true,
            body: Box::pin(stream.map(|chunk| chunk.map_err(std::io::Error::other))),
        })
    }

    /// The path's own header, and the reader positioned after it.
    async fn first(&self, path: &FilePath) -> Result<(Entry, TarReader)> {
        let stream = self
            .runtime()
            .read_archive(&self.container, path.as_str())
            .await
            .map_err(|e| engine_error(e, path))?;
        let mut reader = TarReader::new(stream);
        let entry = reader
            .next()
            .await
            .map_err(|e| read_error(e, path))?
            .ok_or_else(|| not_found(path))?;
        Ok((entry, reader))
    }
}

fn sorted(mut files: Vec<FileInfo>) -> Vec<FileInfo> {
    files.sort_by(|a, b| a.name.cmp(&b.name));
    files
}

fn read_error(err: ReadError, path: &FilePath) -> EnvironmentError {
    match err {
        ReadError::Engine(err) => engine_error(err, path),
        ReadError::Malformed(why) => EnvironmentError::internal(format!("{path}: {why}")),
    }
}

/// Where a symlink at `path` pointing at `link` leads.
fn follow(path: &FilePath, link: &str) -> Result<FilePath> {
    let target = if link.starts_with('/') {
        link.to_string()
    } else {
        format!("{}/{link}", path.parent().as_str().trim_end_matches('/'))
    };
    FilePath::parse(&target).map_err(|_| not_found(path))
}
