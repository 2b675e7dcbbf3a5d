//! `GET /api/containers/{id}/stats` and `/api/containers/stats` in the Nekzus shapes.

use futures_util::stream::{self, StreamExt};
use serde::Serialize;
use utoipa::ToSchema;

use super::error::{EnvironmentError, Result};
use crate::auth::Principal;
use crate::model::engine_names::container_name;
use crate::model::{Environment, Status};
use crate::runtime::StatsSample;

/// Readings taken at once for the batch: each takes the engine about a second.
const CONCURRENT_READINGS: usize = 5;

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ContainerStats {
    pub container_id: String,
    /// `running` or `paused` (frozen: no CPU used, memory kept).
    #[schema(value_type = String, example = "running")]
    pub status: Status,
    pub cpu: CpuStats,
    pub memory: MemoryStats,
    pub network: NetworkStats,
    pub timestamp: i64,
}

#[derive(Debug, Serialize, ToSchema, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct CpuStats {
    /// Percent of the environment's CPU allowance in use.
    pub usage: f64,
    pub cores_used: f64,
    /// The environment's CPU allowance in cores.
    pub total_cores: f64,
}

#[derive(Debug, Serialize, ToSchema, PartialEq)]
pub struct MemoryStats {
    /// Percent of the limit in use.
    pub usage: f64,
    pub used: u64,
    pub limit: u64,
    pub available: u64,
}

#[derive(Debug, Serialize, ToSchema, PartialEq)]
pub struct NetworkStats {
    pub rx: u64,
    pub tx: u64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BatchStats {
    pub containers: Vec<ContainerStats>,
    pub timestamp: i64,
}

service!(
    /// Resource use of one environment or all of the caller's.
    Stats
);

impl Stats {
    pub async fn of(&self, owner: &Principal, reference: &str) -> Result<ContainerStats> {
        let row = self.shared.records().find(owner, reference).await?;
        if !has_stats(&row) {
            return Err(EnvironmentError::conflict(
                "CONTAINER_NOT_RUNNING",
                format!(
                    "the environment is {}; stats exist only while it runs or is paused",
                    row.status
                ),
            ));
        }
        self.reading(&row).await.map_err(|err| {
            tracing::warn!(error = %err, container_id = %row.id, "stats failed");
            EnvironmentError::from_engine(
                &err,
                "CONTAINER_STATS_FAILED",
                "Failed to get container stats",
            )
        })
    }

    /// Every running or paused environment of the caller's; stopped ones, and any whose
    /// reading fails (it stopped meanwhile), are left out.
    pub async fn all(&self, owner: &Principal) -> Result<BatchStats> {
        let rows = self.shared.records().list(owner).await?;
        let running = rows.into_iter().filter(has_stats);
        let containers = stream::iter(running)
            .map(|row| async move { self.reading(&row).await.ok() })
            .buffered(CONCURRENT_READINGS)
            .filter_map(|reading| async move { reading })
            .collect()
            .await;
        Ok(BatchStats {
            containers,
            timestamp: chrono::Utc::now().timestamp(),
        })
    }

    async fn reading(
        &self,
        row: &Environment,
    ) -> Result<ContainerStats, crate::runtime::RuntimeError> {
        let runtime = self.shared.fleet.runtime_for(row).await?;
        let sample = runtime.stats(&container_name(row.id)).await?;
        let host_cores = runtime.cpu_count().await? as f64;
        let allowance = (f64::from(row.cpu_millicores) / 1000.0).min(host_cores);
        let mut cpu = cpu(&sample, allowance);
        if row.status == Status::Paused {
            // Frozen processes use none; the engine's reading may span the pause itself.
            cpu.usage = 0.0;
            cpu.cores_used = 0.0;
        }
        Ok(ContainerStats {
            container_id: row.id.to_string(),
            status: row.status,
            cpu,
            memory: memory(&sample),
            network: NetworkStats {
                rx: sample.rx_bytes,
                tx: sample.tx_bytes,
            },
            timestamp: chrono::Utc::now().timestamp(),
        })
    }
}

fn has_stats(row: &Environment) -> bool {
    matches!(row.status, Status::Running | Status::Paused)
}

fn cpu(sample: &StatsSample, allowance: f64) -> CpuStats {
    let cores_used = if sample.system_delta_ns == 0 {
        0.0
    } else {
        sample.cpu_delta_ns as f64 / sample.system_delta_ns as f64 * f64::from(sample.online_cpus)
    };
    let usage = if allowance > 0.0 {
        cores_used / allowance * 100.0
    } else {
        0.0
    };
    CpuStats {
        usage: round2(usage),
        cores_used: round2(cores_used),
        total_cores: round2(allowance),
    }
}

fn memory(sample: &StatsSample) -> MemoryStats {
    let usage = if sample.memory_limit == 0 {
        0.0
    } else {
        sample.memory_used as f64 / sample.memory_limit as f64 * 100.0
    };
    MemoryStats {
        usage: round2(usage),
        used: sample.memory_used,
        limit: sample.memory_limit,
        available: sample.memory_limit.saturating_sub(sample.memory_used),
    }
}

fn round2(value: f64) -> f64 {
    (value * 100.0).round() / 100.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cpu_is_measured_against_the_environments_allowance() {
        // A quarter of the machine's time on a 4-core host is one core: half of a 2-core allowance.
        let sample = StatsSample {
            cpu_delta_ns: 250,
            system_delta_ns: 1000,
            online_cpus: 4,
            ..Default::default()
        };
        assert_eq!(
            cpu(&sample, 2.0),
            CpuStats {
                usage: 50.0,
                cores_used: 1.0,
                total_cores: 2.0
            }
        );
    }

    #[test]
    fn memory_available_is_what_the_limit_leaves() {
        let sample = StatsSample {
            memory_used: 256,
            memory_limit: 1024,
            ..Default::default()
        };
        assert_eq!(
            memory(&sample),
            MemoryStats {
                usage: 25.0,
                used: 256,
                limit: 1024,
                available: 768
            }
        );
    }

    #[test]
    fn a_first_reading_without_a_delta_shows_no_cpu() {
        assert_eq!(cpu(&StatsSample::default(), 1.0).usage, 0.0);
    }
}
