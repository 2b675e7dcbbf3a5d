//! The engine's host: its capacity and what its storage holds.

use std::time::Duration;

use bollard::models::SystemDataUsageResponse;
use bollard::Docker;

use super::{Runtime, RuntimeError};

/// Retries while another walk runs, within DISK_WITHIN.
const DF_ATTEMPTS: u32 = 5;

/// How long the storage walk may take before usage is reported without it.
const DISK_WITHIN: Duration = Duration::from_secs(3);

#[derive(Debug, Clone, Default, serde::Serialize, utoipa::ToSchema)]
pub struct EngineUsage {
    pub cpus: i64,
    pub memory_bytes: i64,
    pub containers_running: i64,
    pub containers_total: i64,
    /// What the engine's storage holds; null when the walk over it took too long (a busy
    /// host) or failed, with `disk_error` saying which.
    pub disk: Option<DiskUsage>,
    pub disk_error: Option<String>,
}

#[derive(Debug, Clone, Default, serde::Serialize, utoipa::ToSchema)]
pub struct DiskUsage {
    /// Image layers on disk.
    pub images_bytes: i64,
    /// Containers' writable layers.
    pub containers_bytes: i64,
    pub volumes_bytes: i64,
}

/// What the engine's host has to run environments on.
#[derive(Debug, Clone, Copy)]
pub struct Capacity {
    pub cpus: i64,
    pub memory_bytes: i64,
    /// The size of the filesystem holding the engine's data, when this process can see it
    /// (a worker runs beside its engine; an API process may not).
    pub disk_bytes: Option<u64>,
}

impl Runtime {
    /// CPUs, memory, and the size of the engine's filesystem read from the filesystem itself:
    /// no walk over what is stored, so cheap to ask at every start.
    pub async fn capacity(&self) -> Result<Capacity, RuntimeError> {
        let info = self.client().await?.info().await?;
        let disk_bytes = match info.docker_root_dir {
            Some(root) => tokio::task::spawn_blocking(move || filesystem_size(&root))
                .await
                .ok()
                .flatten(),
            None => None,
        };
        Ok(Capacity {
            cpus: info.ncpu.unwrap_or(0),
            memory_bytes: info.mem_total.unwrap_or(0),
            disk_bytes,
        })
    }

    pub async fn usage(&self) -> Result<EngineUsage, RuntimeError> {
        let docker = self.client().await?;
        let info = docker.info().await?;
        let (disk, disk_error) = match tokio::time::timeout(DISK_WITHIN, disk_usage(&docker)).await
        {
            Ok(Ok(disk)) => (Some(disk), None),
            Ok(Err(err)) => (None, Some(err.to_string())),
            Err(_) => (
                None,
                Some(format!("no answer within {} s", DISK_WITHIN.as_secs())),
            ),
        };
        Ok(EngineUsage {
            cpus: info.ncpu.unwrap_or(0),
            memory_bytes: info.mem_total.unwrap_or(0),
            containers_running: info.containers_running.unwrap_or(0),
            containers_total: info.containers.unwrap_or(0),
            disk,
            disk_error,
        })
    }
}

/// The engine runs one disk-usage walk at a time and refuses a second caller instead of
/// queueing it, so a refused call waits for the running walk and asks again.
async fn disk_usage(docker: &Docker) -> Result<DiskUsage, RuntimeError> {
    let mut attempt = 0;
    loop {
        match docker.df(None).await {
            Err(err) if attempt < DF_ATTEMPTS && err.to_string().contains("already running") => {
                attempt += 1;
                tokio::time::sleep(Duration::from_millis(250 * u64::from(attempt))).await;
            }
            other => return Ok(summarize(other?)),
        }
    }
}

fn summarize(disk: SystemDataUsageResponse) -> DiskUsage {
    DiskUsage {
        images_bytes: disk.layers_size.unwrap_or(0),
        containers_bytes: disk
            .containers
            .iter()
            .flatten()
            .filter_map(|c| c.size_rw)
            .sum(),
        volumes_bytes: disk
            .volumes
            .iter()
            .flatten()
            .filter_map(|v| v.usage_data.as_ref().map(|u| u.size.max(0)))
            .sum(),
    }
}

/// The size of the filesystem `path` is on; `None` when it is not on this machine.
fn filesystem_size(path: &str) -> Option<u64> {
    let stats = rustix::fs::statvfs(path).ok()?;
    Some(stats.f_blocks.saturating_mul(stats.f_frsize))
}
