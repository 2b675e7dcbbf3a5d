//! Sessions recently found live in Postgres, so a client's burst of requests costs one lookup
//! a second instead of one each (a page polling its environments, a script listing them in a
//! loop). Whatever this process revokes (logout, a disabled user, a changed tier) is dropped
//! at once; a revocation made by another replica is seen when the entry ages out, within
//! [`FRESH_FOR`].

use std::time::Duration;

use uuid::Uuid;

use crate::model::Revocation;

use crate::db::users::UserRow;
use crate::expiring_map::ExpiringMap;

pub const FRESH_FOR: Duration = Duration::from_secs(1);
/// Past this many sessions, stale entries are swept before another is added.
const CAPACITY: usize = 10_000;

pub struct SessionCache {
    entries: ExpiringMap<Uuid, UserRow>,
}

impl Default for SessionCache {
    fn default() -> Self {
        Self {
            entries: ExpiringMap::new(FRESH_FOR, CAPACITY),
        }
    }
}

impl SessionCache {
    /// The user behind `session`, if Postgres vouched for it within [`FRESH_FOR`].
    pub fn get(&self, session: Uuid, user_id: Uuid) -> Option<UserRow> {
        self.entries.get(&session).filter(|user| user.id == user_id)
    }

    pub fn remember(&self, session: Uuid, user: &UserRow) {
        self.entries.insert(session, user.clone());
    }

    pub fn forget_session(&self, session: Uuid) {
        self.entries.remove(&session);
    }

    pub fn forget_user(&self, user_id: Uuid) {
        self.entries.retain(|_, user| user.id != user_id);
    }

    /// What another process revoked: the sessions it names are asked for again.
    pub fn forget(&self, revocation: Revocation) {
        match revocation {
            Revocation::Session(id) => self.forget_session(id),
            Revocation::User(user) => self.forget_user(user.uuid()),
            Revocation::ApiToken(_) | Revocation::SshKey(_) => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::Instant;

    use chrono::Utc;

    use super::*;

    fn user() -> UserRow {
        UserRow {
            id: Uuid::new_v4(),
            email: None,
            username: "someone".into(),
            password_hash: None,
            role: "user".into(),
            tier: "free".into(),
            is_guest: false,
            expires_at: None,
            disabled_at: None,
            created_at: Utc::now(),
        }
    }

    #[test]
    fn a_remembered_session_answers_only_for_its_own_user() {
        let cache = SessionCache::default();
        let (session, owner) = (Uuid::new_v4(), user());
        cache.remember(session, &owner);
        assert_eq!(cache.get(session, owner.id).map(|u| u.id), Some(owner.id));
        assert!(cache.get(session, Uuid::new_v4()).is_none());
        assert!(cache.get(Uuid::new_v4(), owner.id).is_none());
    }

    #[test]
    fn forgetting_a_session_or_its_user_drops_it_at_once() {
        let cache = SessionCache::default();
        let (first, second, owner) = (Uuid::new_v4(), Uuid::new_v4(), user());
        cache.remember(first, &owner);
        cache.remember(second, &owner);
        cache.forget_session(first);
        assert!(cache.get(first, owner.id).is_none());
        assert!(cache.get(second, owner.id).is_some());
        cache.forget_user(owner.id);
        assert!(cache.get(second, owner.id).is_none());
    }

    #[test]
    fn an_entry_older_than_its_freshness_is_not_used() {
        let cache = SessionCache::default();
        let (session, owner) = (Uuid::new_v4(), user());
        cache
            .entries
            .insert_made(session, owner.clone(), Instant::now() - FRESH_FOR);
        assert!(cache.get(session, owner.id).is_none());
    }
}
