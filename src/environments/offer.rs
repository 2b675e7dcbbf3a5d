//! What a caller may ask for at create: the images their tier allows, the roles and themes.
//! The web UI builds its create form from this instead of repeating the catalogue.

use serde::Serialize;
use utoipa::ToSchema;

use super::error::{EnvironmentError, Result};
use super::Intake;
use crate::auth::Principal;
use crate::db;
use crate::provisioning::catalogue;
use crate::provisioning::shell_options::THEMES;

#[derive(Debug, Serialize, ToSchema)]
pub struct Offer {
    /// Catalogue names the caller's tier allows; `custom` last when allowed.
    pub images: Vec<String>,
    pub roles: Vec<&'static str>,
    pub themes: Vec<&'static str>,
}

impl Intake {
    pub async fn offer(&self, caller: &Principal) -> Result<Offer> {
        let tier = db::tiers::for_user(&self.shared.pool, caller.id().uuid())
            .await?
            .ok_or_else(|| EnvironmentError::internal("a user's tier is missing"))?;
        Ok(Offer {
            images: self.shared.catalogue.offered(&tier),
            roles: catalogue::ROLES.to_vec(),
            themes: THEMES.to_vec(),
        })
    }
}
