//! Every environment, whoever owns it: list with filters, force stop, delete.

use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::users::MAX_PAGE;
use super::Admin;
use crate::db;
use crate::db::admin::{EnvironmentFilter, EnvironmentSummary};
use crate::environments::{Action, Deletion};
use crate::error::{status, ApiError, ApiResult};
use crate::model::{Environment, Status};

#[derive(Debug, Serialize, ToSchema)]
pub struct EnvironmentPage {
    pub total: i64,
    pub containers: Vec<EnvironmentSummary>,
}

impl Admin {
    pub async fn environments(&self, filter: &EnvironmentFilter) -> ApiResult<EnvironmentPage> {
        let limit = filter.limit.unwrap_or(50).clamp(1, MAX_PAGE);
        let offset = filter.offset.unwrap_or(0).max(0);
        let containers = db::admin::environments(&self.pool, filter, limit, offset).await?;
        Ok(EnvironmentPage {
            total: containers.first().map_or(0, |c| c.total),
            containers,
        })
    }

    /// Stops an environment at once (one second's grace), and waits until it has.
    pub async fn force_stop(&self, id: &str) -> ApiResult<Environment> {
        let row = self.environment(id).await?;
        if row.status != Status::Running {
            return Err(ApiError::conflict(
                "CONTAINER_ALREADY_STOPPED",
                format!("the environment is {}, not running", row.status),
            ));
        }
        self.environments
            .lifecycle()
            .apply(row.clone(), Action::Stop, 1)
            .await
            .map_err(|message| {
                ApiError::new(
                    status::INTERNAL_SERVER_ERROR,
                    "CONTAINER_STOP_FAILED",
                    message,
                )
            })?;
        self.environment(id).await
    }

    pub async fn delete_environment(&self, id: &str) -> ApiResult<Deletion> {
        let row = self.environment(id).await?;
        Ok(self.environments.records().delete_by_id(row.id).await?)
    }

    async fn environment(&self, id: &str) -> ApiResult<Environment> {
        let not_found = || ApiError::not_found("CONTAINER_NOT_FOUND", "Container not found");
        let id = Uuid::parse_str(id).map_err(|_| not_found())?;
        db::containers::by_id(&self.pool, id.into())
            .await?
            .ok_or_else(not_found)
    }
}
