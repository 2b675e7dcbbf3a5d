//! A static busybox shipped with the shared scripts, at `/usr/lib/sandboxd/busybox`: what
//! sandboxd itself runs inside an environment (hanging up terminals) must not depend on the
//! tenant's own `/bin/sh`, which they may replace with anything. The scripts are mounted
//! read-only, so the tenant cannot replace this one.

/// Where the host keeps it (Debian's busybox-static).
const HOST_BUSYBOX: &str = "/bin/busybox";
/// Where environments find it.
pub const BUSYBOX: &str = "/usr/lib/sandboxd/busybox";

/// The host's busybox, if it is a statically linked ELF executable (a dynamic one would need
/// the host's libraries inside every image).
pub fn static_busybox() -> Option<Vec<u8>> {
    let binary = std::fs::read(HOST_BUSYBOX).ok()?;
    if is_static_elf64(&binary) {
        Some(binary)
    } else {
        tracing::warn!(
            path = HOST_BUSYBOX,
            "no static busybox: terminals are hung up with each environment's own /bin/sh"
        );
        None
    }
}

/// A 64-bit little-endian ELF with no program interpreter (`PT_INTERP`).
fn is_static_elf64(binary: &[u8]) -> bool {
    const PT_INTERP: u32 = 3;
    let read = |at: usize, len: usize| binary.get(at..at + len);
    let number = |at: usize, len: usize| -> Option<usize> {
        let bytes = read(at, len)?;
        Some(
            bytes
                .iter()
                .rev()
                .fold(0, |n, b| (n << 8) | usize::from(*b)),
        )
    };
    let header_ok = read(0, 6) == Some(&[0x7f, b'E', b'L', b'F', 2, 1][..]);
    let (Some(table), Some(size), Some(count)) =
        (number(0x20, 8), number(0x36, 2), number(0x38, 2))
    else {
        return false;
    };
    header_ok
        && (0..count).all(|index| {
            number(table + index * size, 4).is_some_and(|kind| kind as u32 != PT_INTERP)
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_static_elf_passes() {
        assert!(!is_static_elf64(b"#!/bin/sh\necho hi\n"));
        assert!(!is_static_elf64(&[]));
        // This test's own binary is dynamically linked.
        let own = std::fs::read(std::env::current_exe().unwrap()).unwrap();
        assert!(!is_static_elf64(&own));
        if let Ok(busybox) = std::fs::read(HOST_BUSYBOX) {
            // Debian's busybox-static, where the stack installed it.
            let output = std::process::Command::new("file")
                .arg(HOST_BUSYBOX)
                .output();
            if let Ok(output) = output {
                let described = String::from_utf8_lossy(&output.stdout);
                assert_eq!(
                    is_static_elf64(&busybox),
                    described.contains("statically linked")
                );
            }
        }
    }
}
