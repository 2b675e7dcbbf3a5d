//! A caller's tar made to give its files to the environment's user. The engine keeps each
//! entry's uid and gid when the container names no user (ours run as root inside), so the
//! spooled tar's headers are rewritten in place before it is sent: root inside, which user
//! namespaces make an unprivileged uid outside.

use std::io::{Read, Seek, SeekFrom, Write};

use super::Spooled;
use crate::environments::error::{EnvironmentError, Result};

const BLOCK: u64 = 512;
/// PAX records larger than this are not rewritten (no tool writes owners into such a thing).
const MAX_PAX: u64 = 64 * 1024;

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
        if header.entry_type().is_pax_local_extensions() && body <= MAX_PAX {
            zero_pax_owners(file, at + BLOCK, body)?;
        }
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

/// PAX `uid` and `gid` records override the header's: their digits become zeros, which keeps
/// every record's length (and so the archive's layout) as it was.
fn zero_pax_owners(file: &mut std::fs::File, at: u64, size: u64) -> std::io::Result<()> {
    let mut records = vec![0u8; size as usize];
    file.seek(SeekFrom::Start(at))?;
    file.read_exact(&mut records)?;
    let mut start = 0;
    while let Some(space) = records[start..].iter().position(|b| *b == b' ') {
        let length: usize = std::str::from_utf8(&records[start..start + space])
            .ok()
            .and_then(|l| l.parse().ok())
            .unwrap_or(0);
        if length <= space + 1 || start + length > records.len() {
            break;
        }
        let record = &mut records[start + space + 1..start + length - 1];
        for key in [&b"uid="[..], &b"gid="[..]] {
            if record.starts_with(key) {
                record[key.len()..].fill(b'0');
            }
        }
        start += length;
    }
    file.seek(SeekFrom::Start(at))?;
    file.write_all(&records)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn owners_in_headers_and_pax_records_become_root() {
        let mut builder = tar::Builder::new(Vec::new());
        builder
            .append_pax_extensions([("uid", &b"4242"[..]), ("path", &b"pax-named"[..])])
            .unwrap();
        let mut header = tar::Header::new_ustar();
        header.set_size(2);
        header.set_uid(777);
        header.set_gid(888);
        header.set_username("someone").unwrap();
        builder
            .append_data(&mut header, "short", &b"hi"[..])
            .unwrap();
        let archive = builder.into_inner().unwrap();
        let path = std::env::temp_dir().join(format!("ownership-{}", uuid::Uuid::new_v4()));
        std::fs::write(&path, &archive).unwrap();
        let mut file = std::fs::File::options()
            .read(true)
            .write(true)
            .open(&path)
            .unwrap();
        rewrite(&mut file, archive.len() as u64).unwrap();
        let rewritten = std::fs::read(&path).unwrap();
        std::fs::remove_file(&path).unwrap();
        let mut read = tar::Archive::new(&rewritten[..]);
        let mut entry = read.entries().unwrap().next().unwrap().unwrap();
        assert_eq!(entry.path().unwrap().to_str(), Some("pax-named"));
        assert_eq!(
            (entry.header().uid().unwrap(), entry.header().gid().unwrap()),
            (0, 0)
        );
        let pax: Vec<_> = entry
            .pax_extensions()
            .unwrap()
            .unwrap()
            .map(|e| e.unwrap().value().unwrap().to_string())
            .collect();
        assert_eq!(pax, ["0000", "pax-named"]);
        assert_eq!(entry.header().username().unwrap(), Some("root"));
    }
}
