//! The audit log: every request that changed something, or failed, with who and from where.

use uuid::Uuid;

use super::Admin;
use crate::db::{self, audit::AuditEntry, audit::NewEntry};

impl Admin {
    pub async fn record(&self, entry: NewEntry<'_>) -> Result<(), sqlx::Error> {
        db::audit::insert(&self.pool, entry).await
    }

    /// Newest first; `actor` narrows it to one user's requests.
    pub async fn audit_page(
        &self,
        actor: Option<Uuid>,
        action: Option<&str>,
        limit: i64,
        offset: i64,
    ) -> Result<Vec<AuditEntry>, sqlx::Error> {
        db::audit::page(&self.pool, actor, action, limit, offset).await
    }
}
