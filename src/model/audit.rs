//! The audit log's entries: who asked for what, from where, and how it ended.

use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

/// A request to record.
pub struct NewAuditEntry<'a> {
    pub actor_id: Option<Uuid>,
    pub actor: Option<&'a str>,
    pub action: &'a str,
    pub target: Option<&'a str>,
    pub ip: &'a str,
    pub status: u16,
}

/// A recorded request.
#[derive(Clone, Debug, Serialize, ToSchema, sqlx::FromRow)]
pub struct AuditEntry {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub actor_id: Option<Uuid>,
    pub actor: Option<String>,
    /// `METHOD /route/{pattern}`.
    pub action: String,
    pub target: Option<String>,
    pub ip: Option<String>,
    pub status: i32,
    /// success or failure.
    pub outcome: String,
}
