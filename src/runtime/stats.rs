//! Resource figures of a running container, as the engine measures them.
//!
//! The engine answers a reading at its collector's next tick (once a second); its two-sample
//! answer, which carries the CPU counters of the tick before, waits for two. So the counters of
//! each container's last reading are kept, and a later reading needs one tick only.

use std::time::{Duration, Instant};

use bollard::models::{ContainerCpuStats, ContainerStatsResponse};
use bollard::query_parameters::StatsOptions;
use futures_util::StreamExt;

use super::{Runtime, RuntimeError};
use crate::expiring_map::ExpiringMap;

/// One reading. CPU times are deltas since the container's previous reading (at most
/// [`LAST_READING_KEPT`] before) or over the engine's own second.
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

/// A CPU figure averaged over a longer span says little about now.
const LAST_READING_KEPT: Duration = Duration::from_secs(30);
/// At most this many containers' counters are kept.
const REMEMBERED_CONTAINERS: usize = 10_000;

/// CPU counters of one reading: the container's and the whole host's, both cumulative.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct CpuCounters {
    container_ns: u64,
    system_ns: u64,
    taken: Instant,
}

/// Each container's last counters, by name.
pub(super) fn cpu_counters_memory() -> ExpiringMap<String, CpuCounters> {
    ExpiringMap::new(LAST_READING_KEPT, REMEMBERED_CONTAINERS)
}

impl CpuCounters {
    fn of(stats: Option<&ContainerCpuStats>) -> Self {
        Self {
            container_ns: stats
                .and_then(|s| s.cpu_usage.as_ref())
                .and_then(|u| u.total_usage)
                .unwrap_or(0),
            system_ns: stats.and_then(|s| s.system_cpu_usage).unwrap_or(0),
            taken: Instant::now(),
        }
    }

    /// Whether `later` can be measured against these: both counters moved on (a restarted
    /// container starts its own from zero) and not too long ago.
    fn precede(&self, later: &CpuCounters) -> bool {
        later.system_ns > self.system_ns
            && later.container_ns >= self.container_ns
            && later.taken.duration_since(self.taken) <= LAST_READING_KEPT
    }
}

impl Runtime {
    /// Takes one reading: a single tick's against the container's last counters when they are
    /// recent, else the engine's two-sample reading.
    pub async fn stats(&self, name: &str) -> Result<StatsSample, RuntimeError> {
        if let Some(previous) = self.cpu_counters.get(name) {
            let response = self.read_stats(name, true).await?;
            let current = CpuCounters::of(response.cpu_stats.as_ref());
            if previous.precede(&current) {
                self.cpu_counters.insert(name.to_string(), current);
                return Ok(sample(&response, previous, current));
            }
        }
        let response = self.read_stats(name, false).await?;
        let before = CpuCounters::of(response.precpu_stats.as_ref());
        let current = CpuCounters::of(response.cpu_stats.as_ref());
        self.cpu_counters.insert(name.to_string(), current);
        Ok(sample(&response, before, current))
    }

    async fn read_stats(
        &self,
        name: &str,
        one_shot: bool,
    ) -> Result<ContainerStatsResponse, RuntimeError> {
        let docker = self.client().await?;
        let options = StatsOptions {
            stream: false,
            one_shot,
        };
        docker
            .stats(name, Some(options))
            .next()
            .await
            .ok_or_else(|| RuntimeError::Unavailable("the engine sent no stats".into()))?
            .map_err(RuntimeError::from)
    }
}

fn sample(
    response: &ContainerStatsResponse,
    before: CpuCounters,
    after: CpuCounters,
) -> StatsSample {
    let cpu = response.cpu_stats.as_ref();
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
        cpu_delta_ns: after.container_ns.saturating_sub(before.container_ns),
        system_delta_ns: after.system_ns.saturating_sub(before.system_ns),
        online_cpus: cpu.and_then(|c| c.online_cpus).unwrap_or(1).max(1),
        memory_used: usage.saturating_sub(cache),
        memory_limit: memory.and_then(|m| m.limit).unwrap_or(0),
        rx_bytes,
        tx_bytes,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn counters(container_ns: u64, system_ns: u64, taken: Instant) -> CpuCounters {
        CpuCounters {
            container_ns,
            system_ns,
            taken,
        }
    }

    #[test]
    fn a_later_tick_is_measured_against_the_last_reading() {
        let now = Instant::now();
        let earlier = counters(100, 1_000, now);
        let later = counters(150, 2_000, now + Duration::from_secs(2));
        assert!(earlier.precede(&later));
    }

    #[test]
    fn the_same_tick_a_restart_or_an_old_reading_is_not() {
        let now = Instant::now();
        let earlier = counters(100, 1_000, now);
        let same_tick = counters(100, 1_000, now + Duration::from_millis(10));
        let restarted = counters(5, 2_000, now + Duration::from_secs(2));
        let much_later = counters(150, 2_000, now + LAST_READING_KEPT + Duration::from_secs(1));
        for later in [same_tick, restarted, much_later] {
            assert!(!earlier.precede(&later), "{later:?}");
        }
    }
}
