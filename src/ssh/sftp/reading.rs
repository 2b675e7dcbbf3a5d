//! A file read through SFTP: the engine gives a file's bytes as one stream from its start,
//! and clients read in order (several requests ahead, answered in turn), so one download
//! serves the whole read; a jump backwards or forwards starts it again from the offset.

use bytes::{Buf, BytesMut};
use futures_util::StreamExt;

use crate::environments::files::{Body, FilePath, Handle};
use crate::environments::EnvironmentError;

pub(super) struct Reading {
    pub path: FilePath,
    pub size: u64,
    body: Option<Body>,
    /// The offset of `pending`'s first byte in the file.
    position: u64,
    pending: BytesMut,
}

impl Reading {
    pub fn new(path: FilePath, size: u64) -> Self {
        Self {
            path,
            size,
            body: None,
            position: 0,
            pending: BytesMut::new(),
        }
    }

    /// Up to `len` bytes at `offset`; empty at the end of the file.
    pub async fn read(
        &mut self,
        files: &Handle,
        offset: u64,
        len: usize,
    ) -> Result<Vec<u8>, EnvironmentError> {
        let buffered_end = self.position + self.pending.len() as u64;
        if self.body.is_none() || offset < self.position || offset > buffered_end {
            self.restart(files, offset).await?;
        } else {
            self.pending.advance((offset - self.position) as usize);
            self.position = offset;
        }
        while self.pending.len() < len {
            let Some(body) = self.body.as_mut() else {
                break;
            };
            match body.next().await {
                Some(Ok(chunk)) => self.pending.extend_from_slice(&chunk),
                Some(Err(err)) => return Err(EnvironmentError::internal(err)),
                None => break,
            }
        }
        let take = len.min(self.pending.len());
        let data = self.pending.split_to(take).to_vec();
        self.position += take as u64;
        Ok(data)
    }

    async fn restart(&mut self, files: &Handle, offset: u64) -> Result<(), EnvironmentError> {
        let download = files.download(&self.path, false).await?;
        self.size = download.info.size;
        let mut body = download.body;
        let mut skip = offset;
        self.pending.clear();
        while skip > 0 {
            match body.next().await {
                Some(Ok(mut chunk)) => {
                    let dropped = skip.min(chunk.len() as u64);
                    chunk.advance(dropped as usize);
                    skip -= dropped;
                    self.pending.extend_from_slice(&chunk);
                }
                Some(Err(err)) => return Err(EnvironmentError::internal(err)),
                None => break,
            }
        }
        self.position = offset;
        self.body = Some(body);
        Ok(())
    }
}
