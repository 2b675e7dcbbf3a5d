//! The audit log: every request that changed something, or failed, with who and from where.

use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::audit_bounds::{clip, ACTION_MAX, ACTOR_MAX, ADDRESS_MAX, TARGET_MAX};
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
    /// Writes the entry, each field cut to its bound; an entry without an actor only within
    /// the budget for such requests. Whether it was written.
    pub async fn record(&self, entry: NewAuditEntry<'_>) -> Result<bool> {
        if entry.actor_id.is_none() && !self.anonymous_audit.admit(entry.ip) {
            return Ok(false);
        }
        let bounded = NewAuditEntry {
            actor_id: entry.actor_id,
            actor: entry.actor.map(|actor| clip(actor, ACTOR_MAX)),
            action: clip(entry.action, ACTION_MAX),
            target: entry.target.map(|target| clip(target, TARGET_MAX)),
            ip: clip(entry.ip, ADDRESS_MAX),
            status: entry.status,
        };
        db::audit::insert(&self.pool, bounded).await?;
        Ok(true)
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
