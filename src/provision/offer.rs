//! What a caller may ask for at create: the images their tier allows, the roles and themes.
//! The web UI builds its create form from this instead of repeating the catalogue.

use serde::Serialize;
use utoipa::ToSchema;

use super::catalogue;
use super::request::THEMES;
use super::Provisioner;
use crate::auth::Principal;
use crate::db;
use crate::error::{ApiError, ApiResult};

#[derive(Debug, Serialize, ToSchema)]
pub struct Offer {
    /// Catalogue names the caller's tier allows; `custom` last when allowed.
    pub images: Vec<String>,
    pub roles: Vec<&'static str>,
    pub themes: Vec<&'static str>,
}

impl Provisioner {
    pub async fn offer(&self, caller: &Principal) -> ApiResult<Offer> {
        let tier = db::tiers::for_user(&self.pool, caller.id())
            .await?
            .ok_or_else(|| ApiError::internal("a user's tier is missing"))?;
        Ok(Offer {
            images: self.catalogue.offered(&tier),
            roles: catalogue::ROLES.to_vec(),
            themes: THEMES.to_vec(),
        })
    }
}
