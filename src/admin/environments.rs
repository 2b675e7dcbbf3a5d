//! Every environment, whoever owns it: list with filters, force stop, delete.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::error::{AdminError, Result};
use super::users::MAX_PAGE;
use super::Admin;
use crate::db::admin::OwnedEnvironment;
use crate::db::{self, page_of};
use crate::environments::view::ContainerView;
use crate::environments::{Action, Deletion};
use crate::model::{Environment, Status};

/// An environment as its owner sees it, with who owns it and when it was last used.
#[derive(Debug, Serialize, ToSchema)]
pub struct AdminContainerView {
    #[serde(flatten)]
    pub container: ContainerView,
    pub username: String,
    pub tier: String,
    pub last_activity_at: DateTime<Utc>,
}

impl From<OwnedEnvironment> for AdminContainerView {
    fn from(owned: OwnedEnvironment) -> Self {
        Self {
            container: ContainerView::from(owned.environment),
            username: owned.username,
            tier: owned.tier,
            last_activity_at: owned.last_activity_at,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct EnvironmentPage {
    pub total: i64,
    pub containers: Vec<AdminContainerView>,
}

/// Filters on the environments list; each absent one matches everything.
#[derive(Debug, Default, Deserialize, IntoParams)]
pub struct EnvironmentFilter {
    pub user_id: Option<Uuid>,
    pub status: Option<String>,
    pub tier: Option<String>,
    pub image: Option<String>,
    pub limit: Option<i64>,
    pub offset: Option<i64>,
}

impl Admin {
    pub async fn environments(&self, filter: &EnvironmentFilter) -> Result<EnvironmentPage> {
        let limit = filter.limit.unwrap_or(50).clamp(1, MAX_PAGE);
        let offset = filter.offset.unwrap_or(0).max(0);
        let matching = db::admin::EnvironmentFilter {
            user_id: filter.user_id,
            status: filter.status.as_deref(),
            tier: filter.tier.as_deref(),
            image: filter.image.as_deref(),
        };
        let rows = db::admin::environments(&self.pool, &matching, limit, offset).await?;
        let (containers, total) = page_of(rows);
        Ok(EnvironmentPage {
            total,
            containers: containers.into_iter().map(Into::into).collect(),
        })
    }

    /// Stops an environment at once (one second's grace), and waits until it has.
    pub async fn force_stop(&self, id: &str) -> Result<Environment> {
        let row = self.environment(id).await?;
        if !matches!(row.status, Status::Running | Status::Paused) {
            return Err(AdminError::conflict(
                "CONTAINER_ALREADY_STOPPED",
                format!("the environment is {}, not running", row.status),
            ));
        }
        self.environments
            .lifecycle()
            .apply(row.clone(), Action::Stop, 1)
            .await
            .map_err(AdminError::StopFailed)?;
        self.environment(id).await
    }

    pub async fn delete_environment(&self, id: &str) -> Result<Deletion> {
        let row = self.environment(id).await?;
        Ok(self.environments.records().delete_by_id(row.id).await?)
    }

    async fn environment(&self, id: &str) -> Result<Environment> {
        let not_found = || AdminError::not_found("CONTAINER_NOT_FOUND", "Container not found");
        let id = Uuid::parse_str(id).map_err(|_| not_found())?;
        db::containers::by_id(&self.pool, id.into())
            .await?
            .ok_or_else(not_found)
    }
}
