//! Users as admins see them: search, tier, per-user limits, disable and enable.

use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use chrono::{DateTime, Utc};

use super::error::{AdminError, Result};
use super::Admin;
use crate::auth::accounts::UserView;
use crate::db::admin::{UserListing, USER_TIER_KEY};
use crate::db::{self, is_foreign_key_violation, page_of};
use crate::environments::BulkOutcome;
use crate::model::{LimitOverrides, Revocation, Tier};

pub const MAX_PAGE: i64 = 200;

/// A user as the API shows them, with what only admins see.
#[derive(Debug, Serialize, ToSchema)]
pub struct AdminUserView {
    #[serde(flatten)]
    pub user: UserView,
    pub disabled_at: Option<DateTime<Utc>>,
    pub containers_used: i64,
}

impl From<UserListing> for AdminUserView {
    fn from(listing: UserListing) -> Self {
        Self {
            user: UserView::from(&listing.user),
            disabled_at: listing.user.disabled_at,
            containers_used: listing.containers_used,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct UserPage {
    pub total: i64,
    pub users: Vec<AdminUserView>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct UserDetail {
    pub user: AdminUserView,
    /// The limits that apply: the tier's with the overrides on top.
    pub limits: Tier,
    pub overrides: LimitOverrides,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Disabled {
    pub user: AdminUserView,
    pub credentials_revoked: i64,
    pub environments_stopped: BulkOutcome,
}

impl Admin {
    pub async fn users(
        &self,
        query: Option<&str>,
        tier: Option<&str>,
        limit: i64,
        offset: i64,
    ) -> Result<UserPage> {
        let rows = db::admin::search_users(
            &self.pool,
            query,
            tier,
            limit.clamp(1, MAX_PAGE),
            offset.max(0),
        )
        .await?;
        let (users, total) = page_of(rows);
        Ok(UserPage {
            total,
            users: users.into_iter().map(AdminUserView::from).collect(),
        })
    }

    pub async fn user(&self, id: &str) -> Result<UserDetail> {
        let id = user_id(id)?;
        let user = self.summary(id).await?;
        let limits = db::tiers::for_user(&self.pool, id)
            .await?
            .ok_or_else(user_not_found)?;
        let overrides = db::admin::limits(&self.pool, id).await?.unwrap_or_default();
        Ok(UserDetail {
            user,
            limits,
            overrides,
        })
    }

    pub async fn set_tier(&self, id: &str, tier: &str) -> Result<UserDetail> {
        let uuid = user_id(id)?;
        match db::admin::set_tier(&self.pool, uuid, tier).await {
            Ok(true) => {
                self.sessions.forget_user(uuid);
                self.user(id).await
            }
            Ok(false) => Err(user_not_found()),
            Err(err) if is_foreign_key_violation(&err, USER_TIER_KEY) => Err(
                AdminError::not_found("TIER_NOT_FOUND", format!("no tier named {tier:?}")),
            ),
            Err(err) => Err(err.into()),
        }
    }

    /// Sets the user's own limits; the limits they end up with must still make sense.
    pub async fn set_limits(&self, id: &str, overrides: LimitOverrides) -> Result<UserDetail> {
        let uuid = user_id(id)?;
        let user = self.summary(uuid).await?;
        let tier = db::tiers::get(&self.pool, &user.user.tier)
            .await?
            .ok_or_else(user_not_found)?;
        self.check_tier(&tier.with_overrides(&overrides))?;
        db::admin::set_limits(&self.pool, uuid, &overrides).await?;
        self.user(id).await
    }

    pub async fn clear_limits(&self, id: &str) -> Result<UserDetail> {
        db::admin::clear_limits(&self.pool, user_id(id)?).await?;
        self.user(id).await
    }

    /// Locks the user out: their sessions and tokens stop working at once and their running
    /// environments are stopped (files kept).
    pub async fn disable(&self, id: &str, acting: Uuid) -> Result<Disabled> {
        let uuid = user_id(id)?;
        if uuid == acting {
            return Err(AdminError::conflict(
                "CANNOT_DISABLE_SELF",
                "admins cannot disable themselves",
            ));
        }
        if !db::admin::set_disabled(&self.pool, uuid, true).await? {
            return Err(user_not_found());
        }
        let credentials_revoked = db::admin::revoke_credentials(&self.pool, uuid).await?;
        self.sessions.forget_user(uuid);
        self.connections.revoke(Revocation::User(uuid.into())).await;
        let environments_stopped = self
            .environments
            .lifecycle()
            .stop_everything_of(uuid.into(), 1)
            .await?;
        tracing::info!(user_id = %uuid, credentials_revoked, "user disabled");
        Ok(Disabled {
            user: self.summary(uuid).await?,
            credentials_revoked,
            environments_stopped,
        })
    }

    pub async fn enable(&self, id: &str) -> Result<UserDetail> {
        if !db::admin::set_disabled(&self.pool, user_id(id)?, false).await? {
            return Err(user_not_found());
        }
        self.user(id).await
    }

    async fn summary(&self, id: Uuid) -> Result<AdminUserView> {
        db::admin::user_listing(&self.pool, id)
            .await?
            .map(AdminUserView::from)
            .ok_or_else(user_not_found)
    }
}

fn user_id(id: &str) -> Result<Uuid> {
    Uuid::parse_str(id).map_err(|_| user_not_found())
}

fn user_not_found() -> AdminError {
    AdminError::not_found("USER_NOT_FOUND", "User not found")
}
