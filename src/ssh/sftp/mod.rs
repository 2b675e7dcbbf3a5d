//! The SFTP subsystem (`sftp`, and `scp`, which speaks SFTP since OpenSSH 9), built on the
//! files service: reads and writes go through the engine's archive endpoints, so nothing
//! is needed in the image; removing and renaming use the service's own helper.

mod attrs;
mod reading;
mod relay;
mod session;
mod writing;

use std::collections::HashMap;
use std::sync::Arc;

use russh::server::Msg;
use russh::Channel;
use russh_sftp::protocol::{
    Attrs, Data, File, FileAttributes, Handle as FileHandle, Name, OpenFlags, Status, StatusCode,
    Version,
};
use russh_sftp::server::StatusReply;

use super::signed_in::SignedIn;
use crate::model::Environment;
use attrs::{attributes, failure, status};
use reading::Reading;
use session::{ok, path, Open, Sftp};
use writing::Writing;

/// Bytes one read answers at most, whatever length the client asks for (OpenSSH's server
/// answers as much): a read is held in memory whole.
const MAX_READ: usize = 256 * 1024;
/// Directory entries per readdir answer.
const ENTRIES_PER_READDIR: usize = 100;

pub(super) async fn serve(
    signed_in: Arc<SignedIn>,
    environment: Environment,
    channel: Channel<Msg>,
) {
    let files = signed_in.state.environments.files();
    let reference = environment.id.to_string();
    let handle = match files.open(&signed_in.principal, &reference).await {
        Ok(handle) => handle,
        Err(err) => {
            let line = super::progress::line(&err.to_string());
            let _ = channel.extended_data_bytes(1, line).await;
            let _ = channel.close().await;
            return;
        }
    };
    let session = Sftp {
        files: Arc::new(handle),
        spool_dir: signed_in.state.settings.files.spool_dir.clone(),
        budget: files.max_upload_bytes(),
        open: HashMap::new(),
        next_handle: 0,
    };
    let (ours, theirs) = tokio::io::duplex(relay::PIPE_BYTES);
    russh_sftp::server::run(theirs, session).await;
    relay::relay(channel, ours, signed_in.ended.clone()).await;
}

impl russh_sftp::server::Handler for Sftp {
    type Error = StatusReply;

    fn unimplemented(&self) -> Self::Error {
        StatusCode::OpUnsupported.into()
    }

    async fn init(
        &mut self,
        _version: u32,
        _extensions: HashMap<String, String>,
    ) -> Result<Version, Self::Error> {
        Ok(Version::new())
    }

    async fn realpath(&mut self, id: u32, raw: String) -> Result<Name, Self::Error> {
        let path = path(&raw)?;
        Ok(Name {
            id,
            files: vec![File::dummy(path.as_str())],
        })
    }

    async fn stat(&mut self, id: u32, raw: String) -> Result<Attrs, Self::Error> {
        let info = self.files.stat(&path(&raw)?).await.map_err(status)?;
        Ok(Attrs {
            id,
            attrs: attributes(&info),
        })
    }

    async fn lstat(&mut self, id: u32, raw: String) -> Result<Attrs, Self::Error> {
        self.stat(id, raw).await
    }

    async fn fstat(&mut self, id: u32, handle: String) -> Result<Attrs, Self::Error> {
        let path = match self.open.get(&handle) {
            Some(Open::Reading(reading)) => reading.path.clone(),
            Some(Open::Writing(writing)) => writing.path.clone(),
            _ => return Err(StatusCode::Failure.into()),
        };
        self.stat(id, path.to_string()).await
    }

    async fn setstat(
        &mut self,
        id: u32,
        _path: String,
        _attrs: FileAttributes,
    ) -> Result<Status, Self::Error> {
        // Modes and times are the engine's to set as it unpacks a file; clients (scp -p,
        // editors) ask after every write, and failing them would fail the copy.
        Ok(ok(id))
    }

    async fn fsetstat(
        &mut self,
        id: u32,
        handle: String,
        attrs: FileAttributes,
    ) -> Result<Status, Self::Error> {
        // A size on a file being written is its length from then on (scp sets it once
        // written); modes and times are accepted as above.
        if let (Some(Open::Writing(writing)), Some(size)) = (self.open.get_mut(&handle), attrs.size)
        {
            writing.truncate(size).await.map_err(status)?;
        }
        Ok(ok(id))
    }

    async fn open(
        &mut self,
        id: u32,
        raw: String,
        flags: OpenFlags,
        _attrs: FileAttributes,
    ) -> Result<FileHandle, Self::Error> {
        let path = path(&raw)?;
        if flags.intersects(OpenFlags::WRITE | OpenFlags::CREATE | OpenFlags::TRUNCATE) {
            if flags.contains(OpenFlags::APPEND) {
                return Err(failure("appending is not supported; write the whole file"));
            }
            let mut writing = Writing::create(path, &self.spool_dir, self.budget)
                .await
                .map_err(status)?;
            // Written in place: what the client does not write stays as it was.
            if !flags.intersects(OpenFlags::TRUNCATE | OpenFlags::EXCLUDE) {
                writing.keep_existing(&self.files).await.map_err(status)?;
            }
            return self.keep(id, Open::Writing(writing));
        }
        let info = self.files.stat(&path).await.map_err(status)?;
        if info.is_dir {
            return Err(failure(format!("{path} is a directory")));
        }
        self.keep(id, Open::Reading(Reading::new(path, info.size)))
    }

    async fn read(
        &mut self,
        id: u32,
        handle: String,
        offset: u64,
        len: u32,
    ) -> Result<Data, Self::Error> {
        let Some(Open::Reading(reading)) = self.open.get_mut(&handle) else {
            return Err(StatusCode::Failure.into());
        };
        if offset >= reading.size {
            return Err(StatusCode::Eof.into());
        }
        // The client names the length: as OpenSSH's server does, no more than this per read.
        let len = (len as usize).min(MAX_READ);
        let data = reading
            .read(&self.files, offset, len)
            .await
            .map_err(status)?;
        if data.is_empty() {
            return Err(StatusCode::Eof.into());
        }
        Ok(Data { id, data })
    }

    async fn write(
        &mut self,
        id: u32,
        handle: String,
        offset: u64,
        data: Vec<u8>,
    ) -> Result<Status, Self::Error> {
        let Some(Open::Writing(writing)) = self.open.get_mut(&handle) else {
            return Err(StatusCode::Failure.into());
        };
        writing.write(offset, &data).await.map_err(status)?;
        Ok(ok(id))
    }

    async fn close(&mut self, id: u32, handle: String) -> Result<Status, Self::Error> {
        match self.open.remove(&handle) {
            Some(Open::Writing(writing)) => {
                writing.finish(self.files.clone()).await.map_err(status)?;
            }
            Some(_) => {}
            None => return Err(StatusCode::Failure.into()),
        }
        Ok(ok(id))
    }

    async fn opendir(&mut self, id: u32, raw: String) -> Result<FileHandle, Self::Error> {
        let listing = self.files.list(&path(&raw)?).await.map_err(status)?;
        let entries = listing
            .files
            .iter()
            .map(|info| File::new(info.name.clone(), attributes(info)))
            .collect();
        self.keep(id, Open::Listing(Some(entries)))
    }

    async fn readdir(&mut self, id: u32, handle: String) -> Result<Name, Self::Error> {
        let Some(Open::Listing(entries)) = self.open.get_mut(&handle) else {
            return Err(StatusCode::Failure.into());
        };
        // A batch at a time: one answer for a large directory would pass the message size
        // clients accept.
        match entries {
            Some(files) if !files.is_empty() => {
                let batch = files
                    .drain(..files.len().min(ENTRIES_PER_READDIR))
                    .collect();
                Ok(Name { id, files: batch })
            }
            _ => Err(StatusCode::Eof.into()),
        }
    }

    async fn mkdir(
        &mut self,
        id: u32,
        raw: String,
        _attrs: FileAttributes,
    ) -> Result<Status, Self::Error> {
        self.files.mkdir(&path(&raw)?).await.map_err(status)?;
        Ok(ok(id))
    }

    async fn remove(&mut self, id: u32, raw: String) -> Result<Status, Self::Error> {
        let path = path(&raw)?;
        if self.files.stat(&path).await.map_err(status)?.is_dir {
            return Err(failure(format!("{path} is a directory")));
        }
        self.files.delete(&path).await.map_err(status)?;
        Ok(ok(id))
    }

    async fn rmdir(&mut self, id: u32, raw: String) -> Result<Status, Self::Error> {
        let path = path(&raw)?;
        if !self
            .files
            .list(&path)
            .await
            .map_err(status)?
            .files
            .is_empty()
        {
            return Err(failure(format!("{path} is not empty")));
        }
        self.files.delete(&path).await.map_err(status)?;
        Ok(ok(id))
    }

    async fn rename(&mut self, id: u32, from: String, to: String) -> Result<Status, Self::Error> {
        self.files
            .rename(&path(&from)?, &path(&to)?)
            .await
            .map_err(status)?;
        Ok(ok(id))
    }
}
