//! API tokens: created by their owner, listed without their secret, revoked at once.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;
use validator::Validate;

use super::error::{AuthError, Result};
use super::{api_token, Auth, Principal, Scope};
use crate::db::{self, tokens::NewToken};
use crate::model::{ApiToken, Revocation};

#[derive(Debug, Deserialize, Validate, ToSchema)]
pub struct CreateTokenRequest {
    #[validate(length(min = 1, max = 64, message = "must be 1 to 64 characters"))]
    #[schema(example = "ci")]
    pub name: String,
    #[validate(length(min = 1, message = "at least one scope is required"))]
    pub scopes: Vec<Scope>,
    /// Days until the token expires; absent means it never does.
    #[validate(range(min = 1, max = 3650, message = "must be 1 to 3650"))]
    #[schema(example = 30)]
    pub expires_in_days: Option<u32>,
}

/// A new token. `token` is shown here once and never again.
#[derive(Debug, Serialize, ToSchema)]
pub struct CreatedToken {
    pub id: Uuid,
    pub name: String,
    pub token: String,
    pub prefix: String,
    pub scopes: Vec<String>,
    pub created_at: DateTime<Utc>,
    pub expires_at: Option<DateTime<Utc>>,
}

impl Auth {
    pub async fn create_token(
        &self,
        owner: &Principal,
        request: CreateTokenRequest,
    ) -> Result<CreatedToken> {
        request.validate()?;
        // A credential can hand out only what it holds itself.
        if let Some(missing) = request.scopes.iter().find(|scope| !owner.has(**scope)) {
            return Err(AuthError::CannotGrant(*missing));
        }
        let mut scopes: Vec<String> = request.scopes.iter().map(|s| s.as_str().into()).collect();
        scopes.sort();
        scopes.dedup();
        let generated = api_token::generate();
        let row = db::tokens::insert(
            &self.pool,
            NewToken {
                user_id: owner.id().uuid(),
                name: request.name.trim(),
                prefix: &generated.prefix,
                token_hash: &generated.hash,
                scopes: &scopes,
                expires_at: request
                    .expires_in_days
                    .map(|days| Utc::now() + Duration::days(days.into())),
            },
        )
        .await?;
        Ok(CreatedToken {
            id: row.id,
            name: row.name,
            token: generated.secret,
            prefix: row.prefix,
            scopes: row.scopes,
            created_at: row.created_at,
            expires_at: row.expires_at,
        })
    }

    pub async fn list_tokens(&self, owner: &Principal) -> Result<Vec<ApiToken>> {
        Ok(db::tokens::list(&self.pool, owner.id().uuid()).await?)
    }

    /// Another user's token is reported as not found, exactly like a missing one.
    pub async fn revoke_token(&self, owner: &Principal, id: Uuid) -> Result<()> {
        if db::tokens::revoke(&self.pool, id, owner.id().uuid()).await? {
            self.connections.revoke(Revocation::ApiToken(id)).await;
            Ok(())
        } else {
            Err(AuthError::TokenNotFound)
        }
    }
}
