//! Users as admins see them: search, tier, per-user limits, disable and enable.

use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::Admin;
use crate::db::admin::{LimitOverrides, UserSummary, USER_TIER_KEY};
use crate::db::is_foreign_key_violation;
use crate::db::{self, tiers::TierRow};
use crate::environments::BulkOutcome;
use crate::error::{ApiError, ApiResult};

pub const MAX_PAGE: i64 = 200;

#[derive(Debug, Serialize, ToSchema)]
pub struct UserPage {
    pub total: i64,
    pub users: Vec<UserSummary>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct UserDetail {
    pub user: UserSummary,
    /// The limits that apply: the tier's with the overrides on top.
    pub limits: TierRow,
    pub overrides: LimitOverrides,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Disabled {
    pub user: UserSummary,
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
    ) -> ApiResult<UserPage> {
        let users = db::admin::search_users(
            &self.pool,
            query,
            tier,
            limit.clamp(1, MAX_PAGE),
            offset.max(0),
        )
        .await?;
        Ok(UserPage {
            total: users.first().map_or(0, |user| user.total),
            users,
        })
    }

    pub async fn user(&self, id: &str) -> ApiResult<UserDetail> {
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

    pub async fn set_tier(&self, id: &str, tier: &str) -> ApiResult<UserDetail> {
        let uuid = user_id(id)?;
        match db::admin::set_tier(&self.pool, uuid, tier).await {
            Ok(true) => {
                self.sessions.forget_user(uuid);
                self.user(id).await
            }
            Ok(false) => Err(user_not_found()),
            Err(err) if is_foreign_key_violation(&err, USER_TIER_KEY) => Err(ApiError::not_found(
                "TIER_NOT_FOUND",
                format!("no tier named {tier:?}"),
            )),
            Err(err) => Err(err.into()),
        }
    }

    /// Sets the user's own limits; the limits they end up with must still make sense.
    pub async fn set_limits(&self, id: &str, overrides: LimitOverrides) -> ApiResult<UserDetail> {
        let uuid = user_id(id)?;
        let user = self.summary(uuid).await?;
        let tier = db::tiers::get(&self.pool, &user.tier)
            .await?
            .ok_or_else(user_not_found)?;
        self.check_tier(&apply(&overrides, tier))?;
        db::admin::set_limits(&self.pool, uuid, &overrides).await?;
        self.user(id).await
    }

    pub async fn clear_limits(&self, id: &str) -> ApiResult<UserDetail> {
        db::admin::clear_limits(&self.pool, user_id(id)?).await?;
        self.user(id).await
    }

    /// Locks the user out: their sessions and tokens stop working at once and their running
    /// environments are stopped (files kept).
    pub async fn disable(&self, id: &str, acting: Uuid) -> ApiResult<Disabled> {
        let uuid = user_id(id)?;
        if uuid == acting {
            return Err(ApiError::conflict(
                "CANNOT_DISABLE_SELF",
                "admins cannot disable themselves",
            ));
        }
        if !db::admin::set_disabled(&self.pool, uuid, true).await? {
            return Err(user_not_found());
        }
        let credentials_revoked = db::admin::revoke_credentials(&self.pool, uuid).await?;
        self.sessions.forget_user(uuid);
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

    pub async fn enable(&self, id: &str) -> ApiResult<UserDetail> {
        if !db::admin::set_disabled(&self.pool, user_id(id)?, false).await? {
            return Err(user_not_found());
        }
        self.user(id).await
    }

    async fn summary(&self, id: Uuid) -> ApiResult<UserSummary> {
        db::admin::user_summary(&self.pool, id)
            .await?
            .ok_or_else(user_not_found)
    }
}

/// The tier with the overrides on top, as `sql/tiers/for_user.sql` computes it.
fn apply(overrides: &LimitOverrides, tier: TierRow) -> TierRow {
    let o = overrides;
    TierRow {
        max_containers: o.max_containers.unwrap_or(tier.max_containers),
        memory_mb_min: o.memory_mb_min.unwrap_or(tier.memory_mb_min),
        memory_mb_default: o.memory_mb_default.unwrap_or(tier.memory_mb_default),
        memory_mb_max: o.memory_mb_max.unwrap_or(tier.memory_mb_max),
        cpu_millicores_min: o.cpu_millicores_min.unwrap_or(tier.cpu_millicores_min),
        cpu_millicores_default: o
            .cpu_millicores_default
            .unwrap_or(tier.cpu_millicores_default),
        cpu_millicores_max: o.cpu_millicores_max.unwrap_or(tier.cpu_millicores_max),
        disk_mb_min: o.disk_mb_min.unwrap_or(tier.disk_mb_min),
        disk_mb_default: o.disk_mb_default.unwrap_or(tier.disk_mb_default),
        disk_mb_max: o.disk_mb_max.unwrap_or(tier.disk_mb_max),
        session_limit_seconds: o.session_limit_seconds.or(tier.session_limit_seconds),
        idle_timeout_seconds: o.idle_timeout_seconds.or(tier.idle_timeout_seconds),
        allowed_images: o.allowed_images.clone().or(tier.allowed_images),
        egress: tier.egress,
        name: tier.name,
    }
}

fn user_id(id: &str) -> ApiResult<Uuid> {
    Uuid::parse_str(id).map_err(|_| user_not_found())
}

fn user_not_found() -> ApiError {
    ApiError::not_found("USER_NOT_FOUND", "User not found")
}
