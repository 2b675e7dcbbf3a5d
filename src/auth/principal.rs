use uuid::Uuid;

use super::error::AuthError;
use super::Scope;
use crate::db::users::UserRow;
use crate::model::{Revocation, UserId};

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
    /// A registered SSH key, on the SSH edge.
    SshKey(Uuid),
}

impl Principal {
    /// The credential as a revocation names it.
    pub fn revocation(&self) -> Revocation {
        match self.credential {
            Credential::Session(id) => Revocation::Session(id),
            Credential::ApiToken(id) => Revocation::ApiToken(id),
            Credential::SshKey(id) => Revocation::SshKey(id),
        }
    }

    /// The caller's id: the owner of what they make.
    pub fn id(&self) -> UserId {
        self.user.id.into()
    }

    pub fn has(&self, scope: Scope) -> bool {
        self.scopes.contains(&scope)
    }

    /// Refuses the call with 403 unless the credential carries `scope`.
    pub fn require(&self, scope: Scope) -> Result<&Self, AuthError> {
        if self.has(scope) {
            Ok(self)
        } else {
            Err(AuthError::MissingScope(scope))
        }
    }
}
