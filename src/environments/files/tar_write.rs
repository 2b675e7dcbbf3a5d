//! Writing the tars that go to the engine: each entry's header made here, its body streamed
//! behind it from the caller or a spool file, owned by whoever the engine makes it.

use std::time::{SystemTime, UNIX_EPOCH};

use bytes::Bytes;

const BLOCK: u64 = 512;
/// Two zero blocks end an archive.
pub const END: [u8; 1024] = [0; 1024];

/// The header block(s) of a regular file `name` (relative to where it is unpacked) of `size`
/// bytes; long or non-ASCII names get a GNU long-name entry before it.
pub fn file_header(name: &str, size: u64) -> std::io::Result<Bytes> {
    let mut header = tar::Header::new_gnu();
    header.set_entry_type(tar::EntryType::Regular);
    header.set_size(size);
    header.set_mode(0o644);
    header_bytes(header, name)
}

/// The header of a directory entry.
pub fn dir_header(name: &str) -> std::io::Result<Bytes> {
    let mut header = tar::Header::new_gnu();
    header.set_entry_type(tar::EntryType::Directory);
    header.set_size(0);
    header.set_mode(0o755);
    header_bytes(header, &format!("{}/", name.trim_end_matches('/')))
}

fn header_bytes(mut header: tar::Header, name: &str) -> std::io::Result<Bytes> {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    header.set_mtime(now);
    let mut builder = tar::Builder::new(Vec::new());
    // The builder writes the header (and any long-name entry) and, with no bytes behind it,
    // no padding: the body follows from elsewhere.
    builder.append_data(&mut header, name, std::io::empty())?;
    let written = std::mem::take(builder.get_mut());
    Ok(Bytes::from(written))
}

/// Zeroes after a body of `size` bytes, up to the next block.
pub fn padding(size: u64) -> Bytes {
    let rest = (BLOCK - size % BLOCK) % BLOCK;
    Bytes::from(vec![0; rest as usize])
}

#[cfg(test)]
mod tests {
    use std::io::Read;

    use super::*;

    #[test]
    fn headers_bodies_and_padding_make_an_archive_tar_reads() {
        let name = format!("dir/{} with space.txt", "ü".repeat(70));
        let body = b"hello";
        let mut archive = Vec::new();
        archive.extend_from_slice(&dir_header("dir").unwrap());
        archive.extend_from_slice(&file_header(&name, body.len() as u64).unwrap());
        archive.extend_from_slice(body);
        archive.extend_from_slice(&padding(body.len() as u64));
        archive.extend_from_slice(&END);
        let mut read = tar::Archive::new(&archive[..]);
        let mut entries = read.entries().unwrap();
        let dir = entries.next().unwrap().unwrap();
        assert!(dir.header().entry_type().is_dir());
        let mut file = entries.next().unwrap().unwrap();
        assert_eq!(file.path().unwrap().to_str().unwrap(), name);
        let mut content = String::new();
        file.read_to_string(&mut content).unwrap();
        assert_eq!(content, "hello");
        assert!(entries.next().is_none());
        assert!(padding(512).is_empty());
    }
}
