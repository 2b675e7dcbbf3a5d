//! Waiting for the engine's host to finish what earlier rounds left it before the next round
//! is timed. Removed containers are not gone when `docker rm` returns: on btrfs their
//! subvolumes are cleaned up after the next commit, seconds later, and that work (half the
//! machine here for several seconds after 50 removals) would otherwise land in whichever
//! round came next.

use std::process::Command;
use std::time::{Duration, Instant};

use super::server::docker;

/// Below this share of all cores busy, the host counts as quiet.
const QUIET_BELOW: f64 = 0.15;
const QUIET_FOR: Duration = Duration::from_secs(2);
const AT_MOST: Duration = Duration::from_secs(60);

/// Waits for deleted subvolumes to be cleaned (where the engine's storage is btrfs), then for
/// the host's cores to be quiet for [`QUIET_FOR`], giving up after [`AT_MOST`]. Returns how long
/// it waited.
pub fn settle_engine(host: &str) -> Duration {
    let started = Instant::now();
    if let Ok(info) = docker(host, &["info", "--format", "{{.DockerRootDir}}"]) {
        let root = String::from_utf8_lossy(&info.stdout).trim().to_string();
        if !root.is_empty() {
            // Fails harmlessly on other filesystems.
            let _ = Command::new("btrfs")
                .args(["subvolume", "sync", &root])
                .output();
        }
    }
    let mut quiet_since: Option<Instant> = None;
    while started.elapsed() < AT_MOST {
        let before = cpu_times();
        std::thread::sleep(Duration::from_millis(500));
        let busy = match (before, cpu_times()) {
            (Some((busy0, total0)), Some((busy1, total1))) if total1 > total0 => {
                (busy1 - busy0) as f64 / (total1 - total0) as f64
            }
            _ => return started.elapsed(),
        };
        if busy < QUIET_BELOW {
            let since = *quiet_since.get_or_insert_with(Instant::now);
            if since.elapsed() >= QUIET_FOR {
                break;
            }
        } else {
            quiet_since = None;
        }
    }
    started.elapsed()
}

/// (busy, total) jiffies of all cores, from /proc/stat; I/O wait counts as busy, since the
/// storage's cleaning shows there.
fn cpu_times() -> Option<(u64, u64)> {
    let stat = std::fs::read_to_string("/proc/stat").ok()?;
    let fields: Vec<u64> = stat
        .lines()
        .next()?
        .split_whitespace()
        .skip(1)
        .filter_map(|field| field.parse().ok())
        .collect();
    let total: u64 = fields.iter().take(8).sum();
    let idle = *fields.get(3)?;
    Some((total - idle, total))
}
