//! Bulk (`start-all`, `stop-all`, `restart-all`) and batch operations over the caller's
//! environments: done before answering, at most five at once, one result per environment.

use futures_util::stream::{self, StreamExt};
use serde::Serialize;
use utoipa::ToSchema;

use super::error::{EnvironmentError, Result};
use super::lifecycle::{check_state, Action};
use super::Lifecycle;
use crate::auth::Principal;
use crate::model::{Environment, Status, UserId};

const CONCURRENT_OPERATIONS: usize = 5;

#[derive(Debug, Serialize, ToSchema)]
pub struct BulkResult {
    pub id: String,
    pub name: String,
    pub success: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BulkOutcome {
    pub message: String,
    pub total: usize,
    pub success: usize,
    pub failed: usize,
    pub results: Vec<BulkResult>,
}

/// An environment the caller named, or the reference that named nothing of theirs.
enum Target {
    Found(Box<Environment>),
    Missing(String),
}

impl Lifecycle {
    /// `action` on every one of the caller's environments.
    pub async fn power_all(
        &self,
        owner: &Principal,
        action: Action,
        timeout: i32,
    ) -> Result<BulkOutcome> {
        let rows = self.shared.records().list(owner).await?;
        let targets = rows
            .into_iter()
            .filter(|row| row.status != Status::Deleting)
            .map(|row| Target::Found(Box::new(row)))
            .collect();
        let mut label = action.name().to_string();
        label[..1].make_ascii_uppercase();
        Ok(self
            .run_bulk(
                targets,
                action,
                timeout,
                format!("{label} all operation completed"),
            )
            .await)
    }

    /// Stops every running environment of `user_id`, whoever asks (account disabling, expiry).
    pub async fn stop_everything_of(&self, user_id: UserId, timeout: i32) -> Result<BulkOutcome> {
        // Those still being created stop where they are: their jobs end at the next stage.
        let halted = crate::db::containers::halt_creating(
            &self.shared.pool,
            user_id,
            "Stopped while being created",
        )
        .await?;
        if !halted.is_empty() {
            tracing::info!(%user_id, count = halted.len(), "environments being created halted");
        }
        let rows = crate::db::containers::list(&self.shared.pool, user_id).await?;
        let targets = rows
            .into_iter()
            .filter(|row| matches!(row.status, Status::Running | Status::Paused))
            .map(|row| Target::Found(Box::new(row)))
            .collect();
        Ok(self
            .run_bulk(
                targets,
                Action::Stop,
                timeout,
                "Stop all operation completed".into(),
            )
            .await)
    }

    /// `action` on the environments `references` name (ids, docker ids or names).
    pub async fn power_batch(
        &self,
        owner: &Principal,
        references: &[String],
        action: Action,
        timeout: i32,
    ) -> Result<BulkOutcome> {
        if references.is_empty() {
            return Err(EnvironmentError::invalid(
                "EMPTY_CONTAINER_LIST",
                "At least one container ID is required",
            ));
        }
        let references = batch_references(references)?;
        let mut targets = Vec::with_capacity(references.len());
        let mut seen = std::collections::HashSet::new();
        for reference in references {
            targets.push(match self.shared.records().find(owner, reference).await {
                // A name and an id of the same environment act on it once.
                Ok(row) if !seen.insert(row.id) => continue,
                Ok(row) => Target::Found(Box::new(row)),
                Err(_) => Target::Missing(reference.clone()),
            });
        }
        Ok(self
            .run_bulk(targets, action, timeout, "Batch operation completed".into())
            .await)
    }

    async fn run_bulk(
        &self,
        targets: Vec<Target>,
        action: Action,
        timeout: i32,
        message: String,
    ) -> BulkOutcome {
        let results: Vec<BulkResult> = stream::iter(targets)
            .map(|target| self.run_one(target, action, timeout))
            .buffered(CONCURRENT_OPERATIONS)
            .collect()
            .await;
        let success = results.iter().filter(|result| result.success).count();
        BulkOutcome {
            message,
            total: results.len(),
            success,
            failed: results.len() - success,
            results,
        }
    }

    async fn run_one(&self, target: Target, action: Action, timeout: i32) -> BulkResult {
        let row = match target {
            Target::Found(row) => row,
            Target::Missing(reference) => {
                return BulkResult {
                    id: reference,
                    name: String::new(),
                    success: false,
                    error: Some("Container not found".into()),
                }
            }
        };
        let (id, name) = (row.id.to_string(), row.name.clone());
        let outcome = match check_state(&row, action) {
            Ok(()) => self.apply(*row, action, timeout).await,
            Err(refused) => Err(refused.to_string()),
        };
        BulkResult {
            id,
            name,
            success: outcome.is_ok(),
            error: outcome.err(),
        }
    }
}

/// Most references one batch may name: each is a lookup and an engine call.
pub const MAX_BATCH: usize = 100;

/// The references of a batch call, each once, or a refusal when there are too many.
pub fn batch_references(references: &[String]) -> Result<Vec<&String>> {
    let mut seen = std::collections::HashSet::new();
    let unique: Vec<&String> = references
        .iter()
        .filter(|reference| seen.insert(reference.as_str()))
        .collect();
    if unique.len() > MAX_BATCH {
        return Err(EnvironmentError::invalid(
            "TOO_MANY_CONTAINERS",
            format!("a batch names at most {MAX_BATCH} containers"),
        ));
    }
    Ok(unique)
}
