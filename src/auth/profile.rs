//! What `GET /api/me` shows: the user, their tier's limits and how much of it they use.

use serde::Serialize;
use utoipa::ToSchema;

use super::accounts::UserView;
use super::error::{AuthError, Result};
use super::{Auth, Principal};
use crate::db;
use crate::model::Tier;

#[derive(Debug, Serialize, ToSchema)]
pub struct Usage {
    pub containers_used: i64,
    pub containers_allowed: i32,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ProfileView {
    pub user: UserView,
    pub tier: Tier,
    pub usage: Usage,
    /// The scopes of the credential this request was made with.
    pub scopes: Vec<String>,
}

impl Auth {
    pub async fn profile(&self, principal: &Principal) -> Result<ProfileView> {
        let tier = db::tiers::for_user(&self.pool, principal.id().uuid())
            .await?
            .ok_or_else(|| AuthError::Internal("a user's tier is missing".into()))?;
        let used = db::users::count_containers(&self.pool, principal.id().uuid()).await?;
        Ok(ProfileView {
            user: UserView::from(&principal.user),
            usage: Usage {
                containers_used: used,
                containers_allowed: tier.max_containers,
            },
            tier,
            scopes: principal
                .scopes
                .iter()
                .map(|scope| scope.as_str().to_string())
                .collect(),
        })
    }
}
