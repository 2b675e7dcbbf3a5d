//! A caller's tar made to give its files to the environment's user. The engine keeps each
//! entry's uid and gid when the container names no user (ours run as root inside), so the
//! spooled tar's headers are rewritten in place before it is sent: root inside, which user
//! namespaces make an unprivileged uid outside.

use std::io::{Read, Seek, SeekFrom, Write};

use super::Spooled;
use crate::environments::error::{EnvironmentError, Result};

const BLOCK: u64 = 512;

impl Spooled {
    pub(super) async fn owned_by_root(self) -> Result<Spooled> {
        let size = self.size;
        let mut file = self.file.into_std().await;
        let file = tokio::task::spawn_blocking(move || {
            rewrite(&mut file, size)?;
            file.seek(SeekFrom::Start(0))?;
            Ok::<_, std::io::Error>(file)
        })
        .await
        .map_err(EnvironmentError::internal)?
        .map_err(|err| EnvironmentError::invalid("INVALID_ARCHIVE", format!("not a tar: {err}")))?;
        Ok(Spooled {
            file: tokio::fs::File::from_std(file),
            size,
        })
    }
}

/// Sets uid, gid and owner names of every header; bodies are skipped, not read.
fn rewrite(file: &mut std::fs::File, size: u64) -> std::io::Result<()> {
    let mut at = 0;
    let mut block = [0u8; BLOCK as usize];
    while at + BLOCK <= size {
        file.seek(SeekFrom::Start(at))?;
        file.read_exact(&mut block)?;
        if block.iter().all(|b| *b == 0) {
            return Ok(());
        }
        let header = tar::Header::from_byte_slice(&block);
        let body = header.entry_size()?;
        let mut owned = header.clone();
        owned.set_uid(0);
        owned.set_gid(0);
        if owned.as_ustar().is_some() || owned.as_gnu().is_some() {
            owned.set_username("root")?;
            owned.set_groupname("root")?;
        }
        owned.set_cksum();
        file.seek(SeekFrom::Start(at))?;
        file.write_all(owned.as_bytes())?;
        at += BLOCK + body.div_ceil(BLOCK) * BLOCK;
    }
    Ok(())
}
