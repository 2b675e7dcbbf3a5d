//! Turns a bearer credential into a [`Principal`]. API tokens are checked against Postgres every
//! time; sessions at most once a second (see [`super::session_cache`]). Logout, revocation and
//! account disabling take effect at once in the process that made them.

use super::error::{AuthError, Result};
use super::{api_token, Auth, Credential, Principal, Scope};
use crate::db;

impl Auth {
    pub async fn authenticate(&self, bearer: &str) -> Result<Principal> {
        if api_token::is_api_token(bearer) {
            self.authenticate_api_token(bearer).await
        } else {
            self.authenticate_session(bearer).await
        }
    }

    async fn authenticate_session(&self, jwt: &str) -> Result<Principal> {
        let claims = self
            .keys
            .verify(jwt)
            .ok_or_else(AuthError::invalid_credential)?;
        let user = match self.sessions.get(claims.sid, claims.sub) {
            Some(user) => user,
            None => {
                let user = db::sessions::principal(&self.pool, claims.sid, claims.sub)
                    .await?
                    .ok_or_else(AuthError::invalid_credential)?;
                self.sessions.remember(claims.sid, &user);
                user
            }
        };
        Ok(Principal {
            scopes: Scope::allowed_for_role(&user.role),
            user,
            credential: Credential::Session(claims.sid),
        })
    }

    async fn authenticate_api_token(&self, secret: &str) -> Result<Principal> {
        let found = db::tokens::principal(&self.pool, &api_token::hash(secret))
            .await?
            .ok_or_else(AuthError::invalid_credential)?;
        // A token keeps only the scopes its owner's role still allows: an admin demoted
        // after creating an admin token loses that scope with the role.
        let allowed = Scope::allowed_for_role(&found.user.role);
        let scopes = found
            .scopes
            .iter()
            .filter_map(|name| Scope::parse(name))
            .filter(|scope| allowed.contains(scope))
            .collect();
        let pool = self.pool.clone();
        let token_id = found.token_id;
        tokio::spawn(async move {
            if let Err(err) = db::tokens::touch(&pool, token_id).await {
                tracing::warn!(error = %err, "could not record token use");
            }
        });
        Ok(Principal {
            user: found.user,
            scopes,
            credential: Credential::ApiToken(token_id),
        })
    }
}
