//! What exec is asked, what it answers, and its recorded jobs as the owner reads them back.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::db::exec_jobs::ExecJobRow;

#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
pub struct ExecRequest {
    /// The program and its arguments; no shell is involved unless you name one.
    pub command: Vec<String>,
    /// Extra environment variables, `KEY=VALUE`.
    #[serde(default)]
    pub env: Vec<String>,
    /// Absolute directory to run in.
    pub working_dir: Option<String>,
    /// Seconds before the command is killed (1-600, default 30).
    pub timeout: Option<u64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ExecResult {
    pub hostname: String,
    pub stdout: String,
    pub stderr: String,
    pub exit_code: i64,
    pub changed: bool,
    pub error: Option<String>,
    pub stdout_truncated: bool,
    pub stderr_truncated: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ExecJob {
    pub job_id: Uuid,
    pub results: Vec<ExecResult>,
}

/// A recorded job, as `GET /api/jobs/{id}` shows it.
#[derive(Debug, Serialize, ToSchema)]
pub struct JobView {
    pub job_id: Uuid,
    pub container_id: Uuid,
    /// running, completed (the command ran, whatever its exit code) or failed.
    pub status: String,
    #[schema(value_type = Object)]
    pub request: serde_json::Value,
    #[schema(value_type = Vec<Object>)]
    pub results: serde_json::Value,
    pub created_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
}

impl From<ExecJobRow> for JobView {
    fn from(row: ExecJobRow) -> Self {
        Self {
            job_id: row.id,
            container_id: row.container_id,
            status: row.status,
            request: row.request,
            results: row.results,
            created_at: row.created_at,
            finished_at: row.finished_at,
        }
    }
}
