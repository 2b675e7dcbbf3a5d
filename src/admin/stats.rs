//! `GET /api/admin/stats`: environments by status and tier, what they were given, and the
//! engine's capacity and disk.

use std::collections::BTreeMap;
use std::time::Duration;

use serde::Serialize;
use utoipa::ToSchema;

use super::error::Result;
use super::Admin;
use crate::db;
use crate::runtime::EngineUsage;

const ENGINE_WITHIN: Duration = Duration::from_secs(10);

#[derive(Debug, Serialize, ToSchema)]
pub struct AdminStats {
    pub environments_by_status: BTreeMap<String, i64>,
    pub environments_by_tier: BTreeMap<String, i64>,
    /// What running environments were given.
    pub allocated: Allocated,
    /// The engine's host; null with `engine_error` set when the engine cannot be reached.
    pub engine: Option<EngineUsage>,
    pub engine_error: Option<String>,
    pub timestamp: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Allocated {
    pub memory_mb: i64,
    pub cpu_millicores: i64,
    pub disk_mb: i64,
}

impl Admin {
    pub async fn stats(&self) -> Result<AdminStats> {
        let by_status = db::containers::count_by_status(&self.pool).await?;
        let by_tier = db::admin::counts_by_tier(&self.pool).await?;
        let (memory_mb, cpu_millicores, disk_mb) = db::admin::allocated(&self.pool).await?;
        // The counts from Postgres should not wait on an engine that does not answer.
        let usage = tokio::time::timeout(ENGINE_WITHIN, self.runtime.usage()).await;
        let (engine, engine_error) = match usage {
            Ok(Ok(usage)) => (Some(usage), None),
            Ok(Err(err)) => (None, Some(err.to_string())),
            Err(_) => (
                None,
                Some(format!(
                    "the engine did not report its usage within {} s",
                    ENGINE_WITHIN.as_secs()
                )),
            ),
        };
        Ok(AdminStats {
            environments_by_status: by_status
                .into_iter()
                .map(|(status, count)| (status.to_string(), count))
                .collect(),
            environments_by_tier: by_tier.into_iter().collect(),
            allocated: Allocated {
                memory_mb,
                cpu_millicores,
                disk_mb,
            },
            engine,
            engine_error,
            timestamp: chrono::Utc::now().timestamp(),
        })
    }
}
