use uuid::Uuid;

use super::Scope;
use crate::db::users::UserRow;
use crate::error::{ApiError, ApiResult};
use crate::model::UserId;

/// Who is calling, and with what credential.
#[derive(Clone, Debug)]
pub struct Principal {
    pub user: UserRow,
    pub scopes: Vec<Scope>,
    pub credential: Credential,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Credential {
    Session(Uuid),
    ApiToken(Uuid),
}

impl Principal {
    pub fn id(&self) -> Uuid {
        self.user.id
    }

    /// The caller's id, typed, for what they own.
    pub fn user_id(&self) -> UserId {
        self.user.id.into()
    }

    pub fn has(&self, scope: Scope) -> bool {
        self.scopes.contains(&scope)
    }

    /// Refuses the call with 403 unless the credential carries `scope`.
    pub fn require(&self, scope: Scope) -> ApiResult<&Self> {
        if self.has(scope) {
            Ok(self)
        } else {
            Err(ApiError::forbidden(
                "INSUFFICIENT_SCOPE",
                format!("this credential lacks the {} scope", scope.as_str()),
            )
            .with_field("required_scope", scope.as_str()))
        }
    }
}
