use futures_util::TryStreamExt;

use super::*;

/// The archive cut into `chunk`-byte pieces, as a socket might deliver it.
fn stream_of(archive: Vec<u8>, chunk: usize) -> TarStream {
    let pieces: Vec<Result<Bytes, RuntimeError>> = archive
        .chunks(chunk)
        .map(|c| Ok(Bytes::copy_from_slice(c)))
        .collect();
    Box::pin(futures_util::stream::iter(pieces))
}

fn sample() -> Vec<u8> {
    let mut builder = tar::Builder::new(Vec::new());
    let mut dir = tar::Header::new_gnu();
    dir.set_entry_type(tar::EntryType::Directory);
    dir.set_mode(0o755);
    dir.set_size(0);
    builder
        .append_data(&mut dir, "top/", std::io::empty())
        .unwrap();
    let body: Vec<u8> = (0..5000u32).map(|i| (i % 251) as u8).collect();
    let mut file = tar::Header::new_gnu();
    file.set_mode(0o640);
    file.set_mtime(1_700_000_000);
    file.set_size(body.len() as u64);
    let long = format!("top/{}.bin", "ü".repeat(80));
    builder.append_data(&mut file, &long, &body[..]).unwrap();
    builder
        .append_pax_extensions([("path", "top/pax named".as_bytes())])
        .unwrap();
    let mut small = tar::Header::new_ustar();
    small.set_size(3);
    small.set_mode(0o600);
    builder
        .append_data(&mut small, "top/short", &b"abc"[..])
        .unwrap();
    let mut link = tar::Header::new_gnu();
    link.set_entry_type(tar::EntryType::Symlink);
    link.set_size(0);
    builder
        .append_link(&mut link, "top/link", "/etc/hostname")
        .unwrap();
    builder.into_inner().unwrap()
}

#[tokio::test]
async fn headers_come_one_by_one_whatever_the_chunking() {
    for chunk in [1, 7, 512, 100_000] {
        let mut reader = TarReader::new(stream_of(sample(), chunk));
        let mut seen = Vec::new();
        while let Some(entry) = reader.next().await.unwrap() {
            seen.push(entry);
        }
        let names: Vec<_> = seen.iter().map(|e| e.name.as_str()).collect();
        let long = format!("top/{}.bin", "ü".repeat(80));
        assert_eq!(names, ["top", long.as_str(), "top/pax named", "top/link"]);
        assert_eq!(seen[0].kind, Kind::Dir);
        assert_eq!(
            (seen[1].kind, seen[1].size, seen[1].mode),
            (Kind::File, 5000, 0o640)
        );
        assert_eq!(seen[1].mtime, 1_700_000_000);
        assert_eq!(seen[2].size, 3);
        assert_eq!(seen[3].kind, Kind::Symlink);
        assert_eq!(seen[3].link.as_deref(), Some("/etc/hostname"));
    }
}

#[tokio::test]
async fn a_body_is_passed_on_exactly() {
    for chunk in [1, 300, 512, 100_000] {
        let mut reader = TarReader::new(stream_of(sample(), chunk));
        reader.next().await.unwrap();
        let entry = reader.next().await.unwrap().unwrap();
        let body: Vec<Bytes> = reader.body(entry.size).try_collect().await.unwrap();
        let body: Vec<u8> = body.concat();
        let expected: Vec<u8> = (0..5000u32).map(|i| (i % 251) as u8).collect();
        assert_eq!(body, expected);
    }
}

#[tokio::test]
async fn a_cut_archive_is_an_error_not_a_short_file() {
    let mut archive = sample();
    archive.truncate(2048);
    let mut reader = TarReader::new(stream_of(archive, 512));
    reader.next().await.unwrap();
    let entry = reader.next().await.unwrap().unwrap();
    let body: Result<Vec<Bytes>, _> = reader.body(entry.size).try_collect().await;
    assert!(body.is_err());
}
