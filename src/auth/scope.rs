use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// What a credential may do. A login session holds every scope its user's role allows; an API
/// token holds the ones it was created with.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Scope {
    Read,
    Write,
    Exec,
    Admin,
}

impl Scope {
    pub const ALL: [Scope; 4] = [Scope::Read, Scope::Write, Scope::Exec, Scope::Admin];

    pub fn as_str(self) -> &'static str {
        match self {
            Scope::Read => "read",
            Scope::Write => "write",
            Scope::Exec => "exec",
            Scope::Admin => "admin",
        }
    }

    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|scope| scope.as_str() == name)
    }

    /// The scopes a user of `role` may hold at most.
    pub fn allowed_for_role(role: &str) -> Vec<Scope> {
        Self::ALL
            .into_iter()
            .filter(|scope| *scope != Scope::Admin || role == "admin")
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_admins_may_hold_the_admin_scope() {
        assert!(!Scope::allowed_for_role("user").contains(&Scope::Admin));
        assert!(Scope::allowed_for_role("admin").contains(&Scope::Admin));
        assert_eq!(Scope::parse("exec"), Some(Scope::Exec));
        assert_eq!(Scope::parse("root"), None);
    }
}
