//! Resource figures of a running container, as the engine measures them.

use bollard::models::ContainerStatsResponse;
use bollard::query_parameters::StatsOptions;
use futures_util::StreamExt;

use super::{Runtime, RuntimeError};

/// One reading. CPU times are deltas over the engine's sampling interval (about a second).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct StatsSample {
    pub cpu_delta_ns: u64,
    pub system_delta_ns: u64,
    pub online_cpus: u32,
    /// Memory in use, without the page cache the kernel can drop at will.
    pub memory_used: u64,
    pub memory_limit: u64,
    pub rx_bytes: u64,
    pub tx_bytes: u64,
}

impl Runtime {
    /// Takes one reading; the engine samples twice, about a second apart, for the CPU delta.
    pub async fn stats(&self, name: &str) -> Result<StatsSample, RuntimeError> {
        let docker = self.client().await?;
        let options = StatsOptions {
            stream: false,
            one_shot: false,
        };
        let response = docker
            .stats(name, Some(options))
            .next()
            .await
            .ok_or_else(|| RuntimeError::Unavailable("the engine sent no stats".into()))??;
        Ok(sample(&response))
    }
}

fn sample(response: &ContainerStatsResponse) -> StatsSample {
    let cpu = response.cpu_stats.as_ref();
    let precpu = response.precpu_stats.as_ref();
    let total = |stats: Option<&bollard::models::ContainerCpuStats>| {
        stats
            .and_then(|s| s.cpu_usage.as_ref())
            .and_then(|u| u.total_usage)
            .unwrap_or(0)
    };
    let system = |stats: Option<&bollard::models::ContainerCpuStats>| {
        stats.and_then(|s| s.system_cpu_usage).unwrap_or(0)
    };
    let memory = response.memory_stats.as_ref();
    let usage = memory.and_then(|m| m.usage).unwrap_or(0);
    // cgroup v1 reports the page cache as `cache`, v2 as `inactive_file`.
    let cache = memory
        .and_then(|m| m.stats.as_ref())
        .and_then(|s| s.get("cache").or_else(|| s.get("inactive_file")).copied())
        .unwrap_or(0);
    let networks = response.networks.iter().flat_map(|n| n.values());
    let (rx_bytes, tx_bytes) = networks.fold((0, 0), |(rx, tx), n| {
        (rx + n.rx_bytes.unwrap_or(0), tx + n.tx_bytes.unwrap_or(0))
    });
    StatsSample {
        cpu_delta_ns: total(cpu).saturating_sub(total(precpu)),
        system_delta_ns: system(cpu).saturating_sub(system(precpu)),
        online_cpus: cpu.and_then(|c| c.online_cpus).unwrap_or(1).max(1),
        memory_used: usage.saturating_sub(cache),
        memory_limit: memory.and_then(|m| m.limit).unwrap_or(0),
        rx_bytes,
        tx_bytes,
    }
}
