//! Reading a tar as the engine streams it: entry headers one by one, with bodies skipped or
//! handed on chunk by chunk, never gathered. Listing a directory reads only headers; a
//! download passes one entry's body through.

use bytes::{Buf, Bytes, BytesMut};
use futures_util::{Stream, StreamExt};

use crate::runtime::{RuntimeError, TarStream};

const BLOCK: usize = 512;
/// A long name or PAX record set bigger than this is not a file name any tool makes.
const MAX_EXTENSION: u64 = 64 * 1024;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    File,
    Dir,
    Symlink,
    Other,
}

/// One entry's header.
#[derive(Clone, Debug)]
pub struct Entry {
    /// As the tar names it, without leading `/` or `./` and trailing `/`.
    pub name: String,
    pub size: u64,
    pub mode: u32,
    pub mtime: u64,
    pub kind: Kind,
    pub link: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error(transparent)]
    Engine(#[from] RuntimeError),
    #[error("malformed archive: {0}")]
    Malformed(String),
}

pub struct TarReader {
    stream: TarStream,
    buffer: BytesMut,
    /// Bytes of the current entry's body (and padding) not yet read.
    unread: u64,
}

impl TarReader {
    pub fn new(stream: TarStream) -> Self {
        Self {
            stream,
            buffer: BytesMut::new(),
            unread: 0,
        }
    }

    /// The next entry's header, past the current entry's body; `None` at the end.
    pub async fn next(&mut self) -> Result<Option<Entry>, ReadError> {
        let (mut long_name, mut long_link) = (None, None);
        loop {
            self.skip(self.unread).await?;
            let Some(block) = self.exact(BLOCK).await? else {
                return Ok(None);
            };
            if block.iter().all(|b| *b == 0) {
                return Ok(None);
            }
            let header = tar::Header::from_byte_slice(&block);
            let size = header
                .entry_size()
                .map_err(|e| ReadError::Malformed(e.to_string()))?;
            self.unread = padded(size);
            let kind = header.entry_type();
            if kind.is_gnu_longname() || kind.is_gnu_longlink() || kind.is_pax_local_extensions() {
                let data = self.extension(size).await?;
                if kind.is_gnu_longname() {
                    long_name = Some(text(data.strip_suffix(b"\0").unwrap_or(&data)));
                } else if kind.is_gnu_longlink() {
                    long_link = Some(text(data.strip_suffix(b"\0").unwrap_or(&data)));
                } else {
                    for (key, value) in pax_records(&data) {
                        match key.as_str() {
                            "path" => long_name = Some(value),
                            "linkpath" => long_link = Some(value),
                            _ => {}
                        }
                    }
                }
                continue;
            }
            if kind.is_pax_global_extensions() {
                continue;
            }
            let name = long_name.unwrap_or_else(|| text(&header.path_bytes()));
            let link = long_link.or_else(|| header.link_name_bytes().map(|l| text(&l)));
            let kind = if kind.is_file() {
                Kind::File
            } else if kind.is_dir() {
                Kind::Dir
            } else if kind.is_symlink() {
                Kind::Symlink
            } else {
                Kind::Other
            };
            return Ok(Some(Entry {
                name: tidy(&name),
                size,
                mode: header.mode().unwrap_or(0) & 0o7777,
                mtime: header.mtime().unwrap_or(0),
                link: link.filter(|_| kind == Kind::Symlink),
                kind,
            }));
        }
    }

    /// The current entry's body: exactly `size` bytes, chunk by chunk as the engine sends them.
    pub fn body(self, size: u64) -> impl Stream<Item = Result<Bytes, ReadError>> + Send {
        futures_util::stream::unfold((self, size), |(mut reader, left)| async move {
            if left == 0 {
                return None;
            }
            let chunk = if !reader.buffer.is_empty() {
                let take = reader.buffer.len().min(left as usize);
                Ok(reader.buffer.split_to(take).freeze())
            } else {
                match reader.stream.next().await {
                    Some(Ok(mut chunk)) => {
                        if chunk.len() as u64 > left {
                            chunk.truncate(left as usize);
                        }
                        Ok(chunk)
                    }
                    Some(Err(err)) => Err(ReadError::Engine(err)),
                    None => Err(ReadError::Malformed("the archive ended early".into())),
                }
            };
            match chunk {
                Ok(chunk) => {
                    let left = left - chunk.len() as u64;
                    Some((Ok(chunk), (reader, left)))
                }
                // Nothing follows an error.
                Err(err) => Some((Err(err), (reader, 0))),
            }
        })
    }

    async fn extension(&mut self, size: u64) -> Result<Bytes, ReadError> {
        if size > MAX_EXTENSION {
            return Err(ReadError::Malformed("oversized extended header".into()));
        }
        let data = self
            .exact(padded(size) as usize)
            .await?
            .ok_or_else(|| ReadError::Malformed("the archive ended early".into()))?;
        self.unread = 0;
        Ok(data.slice(..size as usize))
    }

    /// Exactly `n` bytes, or `None` at a clean end of stream.
    async fn exact(&mut self, n: usize) -> Result<Option<Bytes>, ReadError> {
        while self.buffer.len() < n {
            match self.stream.next().await {
                Some(chunk) => self.buffer.extend_from_slice(&chunk?),
                None if self.buffer.is_empty() => return Ok(None),
                None => return Err(ReadError::Malformed("the archive ended early".into())),
            }
        }
        Ok(Some(self.buffer.split_to(n).freeze()))
    }

    /// Drops `n` bytes without keeping them.
    async fn skip(&mut self, mut n: u64) -> Result<(), ReadError> {
        let buffered = (self.buffer.len() as u64).min(n);
        self.buffer.advance(buffered as usize);
        n -= buffered;
        while n > 0 {
            let mut chunk = match self.stream.next().await {
                Some(chunk) => chunk?,
                None => return Err(ReadError::Malformed("the archive ended early".into())),
            };
            if chunk.len() as u64 > n {
                self.buffer.extend_from_slice(&chunk.split_off(n as usize));
                n = 0;
            } else {
                n -= chunk.len() as u64;
            }
        }
        self.unread = 0;
        Ok(())
    }
}

fn padded(size: u64) -> u64 {
    size.div_ceil(BLOCK as u64) * BLOCK as u64
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn tidy(name: &str) -> String {
    let name = name.trim_start_matches('/');
    let name = name.strip_prefix("./").unwrap_or(name);
    name.trim_end_matches('/').to_string()
}

/// `"<length> <key>=<value>\n"` records.
fn pax_records(data: &[u8]) -> Vec<(String, String)> {
    let mut records = Vec::new();
    let mut rest = data;
    while let Some(space) = rest.iter().position(|b| *b == b' ') {
        let Some(length) = std::str::from_utf8(&rest[..space])
            .ok()
            .and_then(|l| l.parse::<usize>().ok())
            .filter(|l| *l > space + 1 && *l <= rest.len())
        else {
            break;
        };
        let record = &rest[space + 1..length - 1];
        if let Some(eq) = record.iter().position(|b| *b == b'=') {
            records.push((text(&record[..eq]), text(&record[eq + 1..])));
        }
        rest = &rest[length..];
    }
    records
}

#[cfg(test)]
#[path = "tar_read_tests.rs"]
mod tests;
