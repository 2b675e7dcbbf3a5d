//! Sign-up, log-in, guest sessions and log-out.

use chrono::{DateTime, Duration, Utc};
use rand::Rng;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;
use validator::{Validate, ValidationError};

use super::error::{AuthError, Result};
use super::{password, Auth, Credential, Principal};
use crate::db::is_unique_violation;
use crate::db::{self, users::NewUser, users::UserRow};

#[derive(Debug, Deserialize, Validate, ToSchema)]
pub struct RegisterRequest {
    #[validate(email(message = "must be a valid email address"))]
    #[validate(length(max = 254, message = "must be at most 254 characters"))]
    #[schema(example = "ada@example.com")]
    pub email: String,
    #[validate(custom(function = "valid_username"))]
    #[schema(example = "ada")]
    pub username: String,
    #[validate(length(min = 8, max = 128, message = "must be 8 to 128 characters"))]
    #[schema(example = "correct horse battery")]
    pub password: String,
}

/// 3 to 32 characters: letters, digits, `-` and `_`, starting with a letter. `guest-` is
/// reserved for guest accounts.
fn valid_username(name: &str) -> Result<(), ValidationError> {
    let shaped = (3..=32).contains(&name.len())
        && name.starts_with(|c: char| c.is_ascii_alphabetic())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if !shaped {
        return Err(ValidationError::new("username").with_message(
            "must be 3 to 32 letters, digits, '-' or '_', starting with a letter".into(),
        ));
    }
    if name.to_ascii_lowercase().starts_with("guest-") {
        return Err(ValidationError::new("username")
            .with_message("names starting with 'guest-' are reserved".into()));
    }
    Ok(())
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
pub struct LoginRequest {
    /// An email address or a username.
    #[serde(alias = "email", alias = "username")]
    #[validate(length(min = 1, max = 254, message = "is required"))]
    #[schema(example = "ada@example.com")]
    pub login: String,
    #[validate(length(min = 1, max = 128, message = "is required"))]
    pub password: String,
}

/// A user as the API shows them.
#[derive(Debug, Serialize, ToSchema)]
pub struct UserView {
    pub id: Uuid,
    pub email: Option<String>,
    pub username: String,
    pub role: String,
    pub tier: String,
    pub is_guest: bool,
    pub expires_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

impl From<&UserRow> for UserView {
    fn from(user: &UserRow) -> Self {
        Self {
            id: user.id,
            email: user.email.clone(),
            username: user.username.clone(),
            role: user.role.clone(),
            tier: user.tier.clone(),
            is_guest: user.is_guest,
            expires_at: user.expires_at,
            created_at: user.created_at,
        }
    }
}

/// A JWT access token and what it grants.
#[derive(Debug, Serialize, ToSchema)]
pub struct SessionView {
    pub token: String,
    #[schema(example = "Bearer")]
    pub token_type: &'static str,
    pub expires_at: DateTime<Utc>,
    pub user: UserView,
}

const GUEST_TIER: &str = "guest";
const GUEST_FALLBACK_LIFETIME: Duration = Duration::hours(1);

impl Auth {
    pub async fn register(&self, request: RegisterRequest) -> Result<UserRow> {
        request.validate()?;
        let hash = password::hash(request.password)
            .await
            .map_err(|err| AuthError::Internal(err.to_string()))?;
        let inserted = db::users::insert(
            &self.pool,
            NewUser {
                email: Some(&request.email),
                username: &request.username,
                password_hash: Some(&hash),
                role: "user",
                tier: "free",
                is_guest: false,
                expires_at: None,
            },
        )
        .await;
        inserted.map_err(|err| {
            if is_unique_violation(&err, db::users::EMAIL_KEY) {
                AuthError::Taken {
                    code: "EMAIL_TAKEN",
                    message: "an account with this email already exists",
                }
            } else if is_unique_violation(&err, db::users::USERNAME_KEY) {
                AuthError::Taken {
                    code: "USERNAME_TAKEN",
                    message: "this username is taken",
                }
            } else {
                err.into()
            }
        })
    }

    /// Wrong login and wrong password give the same answer, in about the same time. Failures
    /// are counted against the account and the address they came from (see `lockout`).
    pub async fn login(&self, request: LoginRequest, ip: &str) -> Result<SessionView> {
        request.validate()?;
        let user = db::users::by_login(&self.pool, &request.login).await?;
        let account = match &user {
            Some(user) => user.id.to_string(),
            None => format!("login:{}", request.login.trim()),
        };
        self.lockout.check(&account, ip).await?;
        let stored = user.as_ref().and_then(|u| u.password_hash.clone());
        let matches = password::verify(request.password, stored).await;
        let user = match user {
            Some(user) if matches && user.disabled_at.is_none() => user,
            _ => {
                self.lockout.failed(&account, ip).await;
                return Err(AuthError::Unauthenticated {
                    code: "INVALID_CREDENTIALS",
                    message: "invalid login or password",
                });
            }
        };
        self.lockout.succeeded(&account, ip).await;
        self.open_session(user, Some(ip)).await
    }

    /// A guest account on the guest tier, living as long as that tier's session limit.
    pub async fn guest(&self, ip: Option<&str>) -> Result<SessionView> {
        let tier = db::tiers::get(&self.pool, GUEST_TIER)
            .await?
            .ok_or_else(|| AuthError::Internal("the guest tier is missing".into()))?;
        let lifetime = tier
            .session_limit_seconds
            .map(|seconds| Duration::seconds(seconds.into()))
            .unwrap_or(GUEST_FALLBACK_LIFETIME);
        let username = guest_username();
        let user = db::users::insert(
            &self.pool,
            NewUser {
                email: None,
                username: &username,
                password_hash: None,
                role: "user",
                tier: GUEST_TIER,
                is_guest: true,
                expires_at: Some(Utc::now() + lifetime),
            },
        )
        .await?;
        self.open_session(user, ip).await
    }

    pub async fn logout(&self, principal: &Principal) -> Result<()> {
        match principal.credential {
            Credential::Session(id) => {
                db::sessions::revoke(&self.pool, id).await?;
                self.sessions.forget_session(id);
            }
            Credential::ApiToken(id) => {
                db::tokens::revoke(&self.pool, id, principal.id().uuid()).await?;
            }
            // An SSH key signs in nothing but its own connections, closed below.
            Credential::SshKey(_) => {}
        }
        self.connections.revoke(principal.revocation()).await;
        Ok(())
    }

    async fn open_session(&self, user: UserRow, ip: Option<&str>) -> Result<SessionView> {
        let ttl = Duration::from_std(self.session_ttl).unwrap_or(Duration::days(1));
        let mut expires_at = Utc::now() + ttl;
        if let Some(account_end) = user.expires_at {
            expires_at = expires_at.min(account_end);
        }
        let session_id = Uuid::new_v4();
        db::sessions::insert(&self.pool, session_id, user.id, ip, expires_at).await?;
        Ok(SessionView {
            token: self.keys.issue(user.id, session_id, expires_at),
            token_type: "Bearer",
            expires_at,
            user: UserView::from(&user),
        })
    }
}

fn guest_username() -> String {
    let words = petname::petname(2, "-").unwrap_or_else(|| "curious-visitor".into());
    let number: u16 = rand::thread_rng().gen_range(100..1000);
    format!("guest-{words}-{number}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames_follow_the_documented_shape() {
        assert!(valid_username("ada").is_ok());
        assert!(valid_username("ada_lovelace-2").is_ok());
        for bad in [
            "ab",
            "1ada",
            "ada lovelace",
            "ada!",
            "guest-ada",
            &"a".repeat(33),
        ] {
            assert!(valid_username(bad).is_err(), "{bad} should be refused");
        }
    }

    #[test]
    fn guest_names_are_reserved_shapes() {
        let name = guest_username();
        assert!(name.starts_with("guest-"));
        assert!(valid_username(&name).is_err());
    }
}
