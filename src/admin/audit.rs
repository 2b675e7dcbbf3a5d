//! The audit log: every request that changed something, or failed, with who and from where.

use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::error::Result;
use super::users::MAX_PAGE;
use super::Admin;
use crate::db::{self, page_of};
use crate::model::{AuditEntry, NewAuditEntry};

#[derive(Debug, Serialize, ToSchema)]
pub struct AuditPage {
    pub total: i64,
    pub entries: Vec<AuditEntry>,
}

impl Admin {
    pub async fn record(&self, entry: NewAuditEntry<'_>) -> Result<()> {
        Ok(db::audit::insert(&self.pool, entry).await?)
    }

    /// Newest first; `actor` narrows it to one user's requests.
    pub async fn audit_page(
        &self,
        actor: Option<Uuid>,
        action: Option<&str>,
        limit: Option<i64>,
        offset: Option<i64>,
    ) -> Result<AuditPage> {
        let limit = limit.unwrap_or(50).clamp(1, MAX_PAGE);
        let offset = offset.unwrap_or(0).max(0);
        let rows = db::audit::page(&self.pool, actor, action, limit, offset).await?;
        let (entries, total) = page_of(rows);
        Ok(AuditPage { total, entries })
    }
}
