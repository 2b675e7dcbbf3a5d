//! Listing a running environment's directory with sandboxd's busybox: the engine's archive
//! of a directory holds its whole tree, bodies and all (half a gigabyte and ten seconds for
//! `/` of a toolchain image), while this reads one level of metadata. The tenant's own shell
//! and tools are never run. Anything unexpected falls back to the archive.

use std::time::Duration;

use super::tar_read::{Entry, Kind};
use super::{FileInfo, FilePath, Handle};
use crate::provisioning::helper::BUSYBOX;

const TIMEOUT: Duration = Duration::from_secs(30);

/// Prints the entry count, one `size hexmode mtime` line per entry, every name NUL-ended,
/// then every symlink's target NUL-ended. Exit 3: not a directory (or missing).
const SCRIPT: &str = r#"B=$0
[ -d "$1" ] && [ ! -L "$1" ] && cd -- "$1" || exit 3
set -- .[!.]* ..?* *
for f do shift; if [ -e "$f" ] || [ -L "$f" ]; then set -- "$@" "$f"; fi; done
echo $#
[ $# -eq 0 ] && exit 0
"$B" stat -c '%s %f %Y' -- "$@" || exit 4
printf '%s\0' "$@"
for f do if [ -L "$f" ]; then printf '%s\0' "$("$B" readlink -- "$f")"; fi; done
"#;

impl Handle {
    /// The directory's entries, or `None` where the archive should answer instead.
    pub(super) async fn list_by_exec(&self, dir: &FilePath) -> Option<Vec<FileInfo>> {
        self.require_running().ok()?;
        let command = [BUSYBOX, "sh", "-c", SCRIPT, BUSYBOX, dir.as_str()]
            .map(String::from)
            .to_vec();
        let output = self
            .runtime()
            .exec(&self.container, command, Vec::new(), TIMEOUT)
            .await
            .ok()?;
        if output.exit_code != 0 || output.stdout_truncated {
            return None;
        }
        let entries = parse(&output.stdout)?;
        entries
            .into_iter()
            .map(|entry| Some(FileInfo::new(&dir.join(&entry.name).ok()?, &entry)))
            .collect()
    }
}

fn parse(out: &str) -> Option<Vec<Entry>> {
    let (count, rest) = out.split_once('\n')?;
    let count: usize = count.trim().parse().ok()?;
    let mut metadata = Vec::with_capacity(count);
    let mut rest = rest;
    for _ in 0..count {
        let (line, after) = rest.split_once('\n')?;
        let mut fields = line.split(' ');
        let size: u64 = fields.next()?.parse().ok()?;
        let mode = u32::from_str_radix(fields.next()?, 16).ok()?;
        let mtime: u64 = fields.next()?.parse().ok()?;
        metadata.push((size, mode, mtime));
        rest = after;
    }
    let mut names = Vec::with_capacity(count);
    for _ in 0..count {
        names.push(nul_ended(&mut rest)?);
    }
    let mut entries = Vec::with_capacity(count);
    for ((size, mode, mtime), name) in metadata.into_iter().zip(names) {
        let kind = match mode & 0o170000 {
            0o100000 => Kind::File,
            0o040000 => Kind::Dir,
            0o120000 => Kind::Symlink,
            _ => Kind::Other,
        };
        let link = if kind == Kind::Symlink {
            Some(nul_ended(&mut rest)?.to_string())
        } else {
            None
        };
        entries.push(Entry {
            name: name.to_string(),
            size,
            mode: mode & 0o7777,
            mtime,
            kind,
            link,
        });
    }
    Some(entries)
}

/// The text up to the next NUL, which must be there.
fn nul_ended<'a>(rest: &mut &'a str) -> Option<&'a str> {
    let (text, after) = rest.split_once('\0')?;
    *rest = after;
    Some(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_with_newlines_and_symlink_targets_are_read_back() {
        let out = "3\n5 81a4 100\n0 41ed 200\n0 a1ff 300\nodd\nname\0dir\0link\0/target\0";
        let entries = parse(out).unwrap();
        assert_eq!(entries[0].name, "odd\nname");
        assert_eq!(
            (entries[0].kind, entries[0].size, entries[0].mode),
            (Kind::File, 5, 0o644)
        );
        assert_eq!(
            (entries[1].kind, entries[1].mode, entries[1].mtime),
            (Kind::Dir, 0o755, 200)
        );
        assert_eq!(entries[2].link.as_deref(), Some("/target"));
        assert!(parse("0\n").unwrap().is_empty());
    }

    #[test]
    fn output_that_does_not_add_up_is_refused() {
        assert!(parse("2\n5 81a4 100\n").is_none());
        assert!(parse("1\n5 81a4 100\n").is_none());
        assert!(parse("1\n0 a1ff 1\nlink\0").is_none());
        assert!(parse("x\n").is_none());
    }
}
