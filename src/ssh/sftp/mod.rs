//! The SFTP subsystem (`sftp`, and `scp`, which speaks SFTP since OpenSSH 9), built on the
//! files service: reads and writes go through the engine's archive endpoints, so nothing
//! is needed in the image; removing and renaming use the service's own helper.

mod attrs;
mod reading;
mod relay;
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

use super::connection::SignedIn;
use crate::environments::files::{FilePath, Handle};
use crate::model::Environment;
use attrs::{attributes, failure, status};
use reading::Reading;
use writing::Writing;

/// Where a client lands: root's home, as the browser terminal does.
const HOME: &str = "/root";
/// Open files and directories per session: a bound on what a client can make us hold.
const MAX_OPEN: usize = 64;

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
    relay::relay(channel, ours).await;
}

enum Open {
    Reading(Reading),
    Writing(Writing),
    /// A directory's entries, handed out by the first readdir; the next one says EOF.
    Listing(Option<Vec<File>>),
}

struct Sftp {
    files: Arc<Handle>,
    spool_dir: std::path::PathBuf,
    budget: u64,
    open: HashMap<String, Open>,
    next_handle: u64,
}

impl Sftp {
    fn keep(&mut self, id: u32, open: Open) -> Result<FileHandle, StatusReply> {
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
fn path(raw: &str) -> Result<FilePath, StatusReply> {
    let absolute = match raw {
        "" | "." => HOME.to_string(),
        raw if raw.starts_with('/') => raw.to_string(),
        raw => format!("{HOME}/{raw}"),
    };
    FilePath::parse(&absolute).map_err(status)
}

fn ok(id: u32) -> Status {
    Status {
        id,
        status_code: StatusCode::Ok,
        error_message: "Ok".into(),
        language_tag: "en-US".into(),
    }
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
        _handle: String,
        _attrs: FileAttributes,
    ) -> Result<Status, Self::Error> {
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
            let writing = Writing::create(path, &self.spool_dir, self.budget)
                .await
                .map_err(status)?;
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
        let data = reading
            .read(&self.files, offset, len as usize)
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
        match entries.take() {
            Some(files) if !files.is_empty() => Ok(Name { id, files }),
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
